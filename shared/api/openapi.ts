import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { RouteContract } from './contract';
import { ErrorSchema } from './schemas';

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request (for example, JSON that does not parse)',
  401: 'Missing, malformed, expired or otherwise invalid token',
  403: 'The caller’s role does not allow this operation',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  422: 'The request does not match the schema; details name each field',
  429: 'Too many requests; see Retry-After',
  503: 'Unavailable',
};

/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
export function buildOpenApi(routes: readonly RouteContract[], serverUrl = '/') {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const r of routes) {
    const errors = new Set<number>(r.errors ?? []);
    if (r.role !== 'public') {
      errors.add(401);
      errors.add(403);
    }
    if (r.params || r.query || r.body) errors.add(422);
    if (r.body) errors.add(400);
    const okSchema = r.successStatus === 204 ? undefined : r.response;
    registry.registerPath({
      method: r.method.toLowerCase() as 'get',
      path: r.path,
      operationId: r.operationId,
      summary: r.summary,
      description: `Role required: **${r.role}**.`,
      tags: [r.tag],
      ...(r.role === 'public' ? {} : { security: [{ bearer: [] }] }),
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(r.body ? { body: { content: { 'application/json': { schema: r.body } }, required: true } } : {}),
        ...(r.rawBody
          ? {
              body: {
                content: {
                  'application/x-www-form-urlencoded': { schema: r.rawBody },
                  'application/json': { schema: r.rawBody },
                },
              },
            }
          : {}),
      },
      responses: {
        [r.successStatus ?? 200]: {
          description: 'Success',
          ...(okSchema ? { content: { [r.contentType ?? 'application/json']: { schema: okSchema } } } : {}),
        },
        ...Object.fromEntries(
          [...errors].sort().map((s) => [
            s,
            {
              description: STATUS_TEXT[s] ?? 'Error',
              content: { 'application/json': { schema: ErrorSchema } },
            },
          ]),
        ),
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'peerflow',
      version: '1.0.0',
      description:
        'Peering orchestration: PeeringDB data, peers and their qualification, peering requests, BGP sessions and router configuration. Log in with `POST /users/post_login`, then use **Authorize** with the token.',
    },
    servers: [{ url: serverUrl }],
  });
}
