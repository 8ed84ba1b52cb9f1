import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { splitBuildOptions } from '../infra/constructs/bundling';

/**
 * Rebuilds a Lambda bundle with code splitting, in place of the single-file bundle the CDK made
 * (`npx tsx scripts/bundle-split.ts <entry> --out <bundle folder>`; the stack runs it after bundling
 * the entries listed in SPLIT_ENTRIES).
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' } },
});
const [entry] = positionals;
if (!entry || !values.out) {
  console.error('usage: bundle-split <entry> --out <folder>');
  process.exit(2);
}
for (const file of ['index.mjs', 'index.mjs.map']) rmSync(join(values.out, file), { force: true });
await build({ ...splitBuildOptions(entry, values.out), logLevel: 'error' });
