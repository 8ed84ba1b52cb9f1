import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildOpenApi } from '../shared/platform/http/openapi';
import { routes } from '../shared/app/route-table';
import { parseCli } from './lib/cli';

/** `npm run openapi [-- --out file]`: the OpenAPI 3.1 document of the route table, as a build artefact. */
const values = parseCli('usage: npm run openapi -- [--out <file>]   (default dist/openapi.json)', {
  out: { type: 'string', default: 'dist/openapi.json' },
});
const out = resolve(values.out ?? 'dist/openapi.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`);
console.log(`wrote ${out} (${routes.length} routes)`);
