import * as z from '../platform/zod';
import { route } from '../platform/http/contract';

/**
 * The ProVision APIv1 Peering gateway: one path, GET or POST, the action named in the query string.
 * API Gateway cannot route on the query string, so one function serves every action.
 */
export const V1_ACTIONS = [
  'getCommunications',
  'getPeers',
  'getRequests',
  'getSessions',
  'addSession',
  'configureSession',
  'deleteSession',
  'updateSession',
  'resetPeerStatus',
  'sendRequest',
  'sendEmail',
  'updatePeer',
] as const;

/** The actions that change data: their calls are audited, refused ones included (as refusals). */
export const V1_CHANGING_ACTIONS: ReadonlySet<string> = new Set<(typeof V1_ACTIONS)[number]>([
  'addSession',
  'configureSession',
  'deleteSession',
  'updateSession',
  'resetPeerStatus',
  'sendRequest',
  'sendEmail',
  'updatePeer',
]);

const V1Query = z.partial(
  z.catchall(
    z.object({
      target: z.string().check(z.meta({ description: 'peering' })),
      action: z.string().check(z.meta({ description: `one of ${V1_ACTIONS.join(', ')}` })),
    }),
    z.string(),
  ),
);

export const V1EnvelopeSchema = z
  .object({
    success: z.union([z.literal(0), z.literal(1)]),
    message: z.string(),
    data: z.optional(z.unknown()),
  })
  .check(z.meta({ id: 'V1Envelope' }));

const common = {
  path: '/api/v1/api.php',
  role: 'viewer' as const,
  tag: 'v1',
  query: V1Query,
  response: V1EnvelopeSchema,
  handler: 'functions/v1/gateway.ts',
  // The v1 list actions walk the pages of v2 lists, whose cursors are signed.
  access: { table: 'read-write' as const, email: true, secrets: true, cursorKey: true },
  // Not every call changes data: a changing action marks its call audited, and the change its v2
  // route made (target, result, ids) becomes the entry, with the status this call answered.
  audit: false,
  errors: [400, 404, 409, 422],
};

export const v1GetRoute = route({
  ...common,
  operationId: 'v1GatewayGet',
  method: 'GET',
  summary: 'ProVision APIv1 Peering actions (target=peering&action=...), parameters in the query string',
});

export const v1PostRoute = route({
  ...common,
  operationId: 'v1GatewayPost',
  method: 'POST',
  summary: 'ProVision APIv1 Peering actions, parameters in the query string and a form or JSON body',
  rawBody: z.record(z.string(), z.string()).check(z.meta({ id: 'V1Parameters' })),
});

export const v1Routes = [v1GetRoute, v1PostRoute];
