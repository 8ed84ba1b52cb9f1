import * as z from '../platform/zod';
import { AuditEntrySchema } from '../platform/audit/audit-store';
import { route } from '../platform/http/contract';
import { ListQuery, pageOf, Timestamp } from '../platform/http/schemas';

export const healthRoute = route({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  role: 'public',
  tag: 'system',
  summary: 'Liveness: 200 when the API answers and its table is reachable',
  response: z.object({ status: z.literal('ok'), time: Timestamp }).check(z.meta({ id: 'Health' })),
  handler: 'functions/http/system/get-health.ts',
  access: { table: 'read' },
  errors: [503],
});

export const jwksRoute = route({
  operationId: 'getJwks',
  method: 'GET',
  path: '/.well-known/jwks.json',
  role: 'public',
  tag: 'system',
  summary: 'The public keys that verify peerflow tokens',
  response: z
    .object({
      keys: z.array(
        z.object({
          kty: z.string(),
          crv: z.string(),
          x: z.string(),
          y: z.string(),
          kid: z.string(),
          alg: z.string(),
          use: z.string(),
        }),
      ),
    })
    .check(z.meta({ id: 'Jwks' })),
  handler: 'functions/http/system/get-jwks.ts',
  access: { jwks: true },
});

export const openapiRoute = route({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  role: 'public',
  tag: 'system',
  summary: 'This API as an OpenAPI 3.1 document',
  response: z.record(z.string(), z.unknown()),
  errors: [503],
  handler: 'functions/http/system/get-openapi.ts',
  access: {},
});

export const explorerRoute = route({
  operationId: 'getExplorer',
  method: 'GET',
  path: '/',
  role: 'public',
  tag: 'system',
  summary: 'The API explorer (Swagger UI)',
  response: z.string(),
  contentType: 'text/html; charset=utf-8',
  handler: 'functions/http/system/get-explorer.ts',
  access: {},
});

export const explorerAssetRoute = route({
  operationId: 'getExplorerAsset',
  method: 'GET',
  path: '/explorer/{file}',
  role: 'public',
  tag: 'system',
  summary: "The explorer's scripts and styles",
  params: z.object({ file: z.enum(['swagger-ui-bundle.js', 'swagger-ui.css', 'explorer.js']) }),
  response: z.string(),
  contentType: 'application/octet-stream',
  handler: 'functions/http/system/get-explorer-asset.ts',
  access: {},
  errors: [404],
});

export const auditRoute = route({
  operationId: 'listAudit',
  method: 'GET',
  path: '/audit',
  role: 'admin',
  tag: 'audit',
  summary: 'Every change, newest first: who, what, on which target, when, with what result',
  query: z.extend(ListQuery, {
    user_id: z.optional(z.string().check(z.maxLength(64))),
    since: z.optional(z.iso.datetime()),
    until: z.optional(z.iso.datetime()),
  }),
  response: pageOf(AuditEntrySchema.check(z.meta({ id: 'AuditEntry' }))),
  handler: 'functions/http/audit/list-audit.ts',
  access: { table: 'read', cursorKey: true },
});

export const systemRoutes = [
  healthRoute,
  jwksRoute,
  openapiRoute,
  explorerRoute,
  explorerAssetRoute,
  auditRoute,
];
