import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openapiRoute } from '../../../shared/api/routes/system';
import { defineAction } from '../../../shared/http/define-action';

/**
 * In Lambda the document was generated at build time and ships beside the bundle; elsewhere (the
 * local server, tests) it is built from the route table on first use, so no cold start pays for it.
 */
const shipped = process.env.LAMBDA_TASK_ROOT ? join(process.env.LAMBDA_TASK_ROOT, 'openapi.json') : undefined;
let document: Record<string, unknown> | undefined =
  shipped && existsSync(shipped)
    ? (JSON.parse(readFileSync(shipped, 'utf8')) as Record<string, unknown>)
    : undefined;

async function build(): Promise<Record<string, unknown>> {
  const [{ buildOpenApi }, { routes }] = await Promise.all([
    import('../../../shared/api/openapi'),
    import('../../../shared/api/route-table'),
  ]);
  return buildOpenApi(routes) as unknown as Record<string, unknown>;
}

export const handler = defineAction(openapiRoute, async () => {
  document ??= await build();
  return document;
});
