import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `npm start -- --reset`: removes the local data folder, only when it is one `npm start` made (it
 * holds the `dynamodb` folder) or is empty. A `DATA_DIR` mistyped to name another folder (the repo,
 * a home folder) is refused with the reason rather than wiped.
 */
export function resetDataDir(dir: string): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length > 0 && !existsSync(join(dir, 'dynamodb'))) {
    throw new Error(
      `--reset: ${dir} does not look like a peerflow data folder (no dynamodb folder in it); not removed. Check DATA_DIR`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}
