import { buildOpenApi } from '../../../shared/api/openapi';
import { routes } from '../../../shared/api/route-table';
import { openapiRoute } from '../../../shared/api/routes/system';
import { defineAction } from '../../../shared/http/define-action';

// Built once per cold start: the document only changes with a deployment.
const document = buildOpenApi(routes);

export const handler = defineAction(openapiRoute, async () => document as unknown as Record<string, unknown>);
