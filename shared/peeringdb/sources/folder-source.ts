import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import {
  generatedSetIdentity,
  type PeeringDbSource,
  recordsOf,
  type SourceIdentity,
  SourceUnreachableError,
} from './source';

/**
 * The file by which a folder of generated responses names its data set (`{"generated": {"scale",
 * "seed"}}`), so that a folder of changes to that set continues it instead of replacing it.
 */
export const DATASET_FILE = 'dataset.json';

function folderIdentity(folder: string): SourceIdentity {
  const stamp = join(folder, DATASET_FILE);
  if (existsSync(stamp)) {
    try {
      const { generated } = JSON.parse(readFileSync(stamp, 'utf8')) as {
        generated?: { scale?: unknown; seed?: unknown };
      };
      if (typeof generated?.scale === 'string' && Number.isInteger(generated.seed))
        return generatedSetIdentity(generated.scale, generated.seed as number);
    } catch {
      // Not a stamp this version reads: the folder stands for itself.
    }
  }
  const path = existsSync(folder) ? realpathSync(folder) : resolve(folder);
  return { kind: 'folder', id: path, label: `folder ${basename(path)}` };
}

/**
 * Saved API responses: `<folder>/<type>.json` or `<folder>/<type>/page-<n>.json`. The folder is
 * taken as it is: an incremental set is a folder of `since` responses, so `since` is not applied.
 */
export function folderSource(folder: string): PeeringDbSource {
  return {
    description: folder,
    identity: folderIdentity(folder),
    pages(type) {
      if (!existsSync(folder)) {
        const missing = new SourceUnreachableError('the folder of saved responses does not exist');
        return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(missing) }) };
      }
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
