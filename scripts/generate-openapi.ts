import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildOpenApi } from '../shared/api/openapi';
import { routes } from '../shared/api/route-table';

/** `npm run openapi [-- --out file]`: the OpenAPI 3.1 document of the route table, as a build artefact. */
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist/openapi.json' } } });
const out = resolve(values.out ?? 'dist/openapi.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(buildOpenApi(routes), null, 2)}\n`);
console.log(`wrote ${out} (${routes.length} routes)`);
