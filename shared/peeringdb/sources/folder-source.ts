import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PeeringDbSource, recordsOf } from './source';

/**
 * Saved API responses: `<folder>/<type>.json` or `<folder>/<type>/page-<n>.json`. The folder is
 * taken as it is: an incremental set is a folder of `since` responses, so `since` is not applied.
 */
export function folderSource(folder: string): PeeringDbSource {
  return {
    description: folder,
    pages(type) {
      const single = join(folder, `${type}.json`);
      const paged = join(folder, type);
      let files: string[];
      if (existsSync(single)) files = [single];
      else if (existsSync(paged)) {
        files = readdirSync(paged)
          .map((name) => ({ name, n: /^page-(\d+)\.json$/.exec(name)?.[1] }))
          .filter((f): f is { name: string; n: string } => f.n !== undefined)
          .sort((a, b) => Number(a.n) - Number(b.n))
          .map((f) => join(paged, f.name));
      } else return null;
      return (async function* () {
        for (const file of files) {
          let body: unknown;
          try {
            body = JSON.parse(await readFile(file, 'utf8'));
          } catch (err) {
            throw new Error(
              `${type}: ${file.slice(folder.length + 1)} is not valid JSON (${(err as Error).message})`,
              { cause: err },
            );
          }
          yield recordsOf(body, type);
        }
      })();
    },
  };
}
