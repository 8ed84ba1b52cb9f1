import { resolve } from 'node:path';
import { parseCli, usageError } from './lib/cli';
import { changes, generate, type Scale, writeResponses } from './lib/generate';

/**
 * `npm run generate-data -- --scale small|full --seed <n> --out <folder> [--changes <percent>]`
 * writes PeeringDB-shaped API responses as `<out>/<type>/page-<n>.json`. With `--changes`, the
 * folder holds what PeeringDB answers to `?since=` after that share of every type changed.
 */
const USAGE = `usage: npm run generate-data -- --out <folder> [--scale small|full] [--seed <n>] [--changes <percent>] [--page-size <n>]

  --scale      small (demo, default) or full (PeeringDB's real size)
  --seed       the generator's seed (default 1): the same seed gives the same data
  --changes    write the ?since= answer after that share of every type changed instead
  --page-size  records per page-<n>.json file (default 1000)`;
const values = parseCli(USAGE, {
  scale: { type: 'string', default: 'small' },
  seed: { type: 'string', default: '1' },
  out: { type: 'string' },
  changes: { type: 'string' },
  'page-size': { type: 'string', default: '1000' },
});

const scale = values.scale as Scale;
if (scale !== 'small' && scale !== 'full') usageError(USAGE, '--scale must be small or full');
if (!values.out) usageError(USAGE, '--out <folder> is required');
const seed = Number(values.seed);
const pageSize = Number(values['page-size']);
const percent = values.changes === undefined ? undefined : Number(values.changes);
if (!Number.isInteger(seed)) usageError(USAGE, '--seed must be an integer');
if (percent !== undefined && !(percent > 0 && percent <= 100))
  usageError(USAGE, '--changes must be a percentage');

const base = generate(scale, seed);
const records = percent === undefined ? base : changes(base, percent, seed);
// Stamped with the set it belongs to: a sync from a folder of its changes continues it.
const counts = writeResponses(records, resolve(values.out), pageSize, { scale, seed });
console.log(
  `${percent === undefined ? scale : `${percent}% changes of ${scale}`} set, seed ${seed}, in ${values.out}:\n` +
    Object.entries(counts)
      .map(([t, n]) => `  ${t.padEnd(9)} ${n}`)
      .join('\n'),
);
