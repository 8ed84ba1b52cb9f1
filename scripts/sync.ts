import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ObjectType, TypeReport } from '../shared/peeringdb';
import { parseCli, usageError } from './lib/cli';
import { openLocalTable } from './lib/local-table';

/**
 * `npm run sync -- --from <url or folder> [--mode auto|full|incremental]`: the sync the scheduled
 * function runs, against a PeeringDB API URL (the real one or a compatible mirror) or a folder of
 * saved API responses, into the same local engine as `npm start` (started here when not running).
 */
const USAGE = `usage: npm run sync -- --from <url or folder> [--mode auto|full|incremental]

  --from   a PeeringDB API URL (https://www.peeringdb.com/api or a mirror), or a folder of saved
           API responses laid out as <type>/page-<n>.json or <type>.json
  --mode   auto (default: full on the first run, then incremental), full or incremental

Writes to the local engine on DDB_PORT (default 8000), started on DATA_DIR (default .data) when
none is running. PEERINGDB_API_KEY sends an API key.`;
const values = parseCli(USAGE, {
  from: { type: 'string' },
  mode: { type: 'string', default: 'auto' },
});
const from = values.from;
if (!from) usageError(USAGE, '--from <url or folder> is required');
const mode = values.mode;
if (mode !== 'auto' && mode !== 'full' && mode !== 'incremental')
  usageError(USAGE, '--mode is auto, full or incremental');

const table = await openLocalTable();
let exitCode: number;
try {
  // Imported only now: these modules read the configuration set above.
  const { buildPeerRowsAfter, syncPeeringDb } = await import('../shared/app/peeringdb-sync');
  const { folderSource, httpSource } = await import('../shared/peeringdb');
  const isUrl = /^https?:\/\//.test(from);
  if (!isUrl && !existsSync(from)) throw new Error(`${from} is neither a URL nor a folder`);
  const source = isUrl
    ? httpSource({
        url: from,
        ...(process.env.PEERINGDB_API_KEY ? { apiKey: process.env.PEERINGDB_API_KEY } : {}),
      })
    : folderSource(resolve(from));
  const tty = process.stdout.isTTY;
  const line = (type: ObjectType, r: TypeReport) =>
    `${type.padEnd(9)} fetched ${r.fetched}  added ${r.added}  changed ${r.changed}  deleted ${r.deleted}  unchanged ${r.unchanged}  invalid ${r.invalid}${r.error ? `  ERROR ${r.error}` : ''}`;
  let current: ObjectType | undefined;
  const report = await syncPeeringDb({
    source,
    mode,
    trigger: 'cli',
    onProgress: (type, r) => {
      if (tty) {
        process.stdout.write(`\r\x1b[2K${line(type, r)}`);
        if (r.complete || r.error) process.stdout.write('\n');
      } else if (r.complete || r.error) console.log(line(type, r));
      current = type;
    },
  });
  if (tty && current && !report.types[current]?.complete && !report.types[current]?.error)
    process.stdout.write('\n');
  console.log(JSON.stringify(report, null, 2));
  const built = await buildPeerRowsAfter(report);
  console.log(
    `peer rows: ${built.built} of ${built.exchanges} exchanges built, ${built.written} rows written, ${built.deleted} deleted`,
  );
  const { ourNetworkWarning } = await import('../shared/settings');
  const warning = await ourNetworkWarning();
  if (warning) console.warn(warning);
  exitCode = report.status === 'succeeded' ? 0 : 1;
} catch (err) {
  console.error(`sync failed: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await table.stop();
}
process.exit(exitCode);
