import * as z from '../platform/zod';
import { route } from '../platform/http/contract';
import { cursorQuery, limitQuery, pageOf, Timestamp } from '../platform/http/schemas';
import { IpAddress, RouterIdParam } from '../routers';
import { SessionIdParam, SessionSchema } from '../sessions';
import { PolledStateSchema } from '../kernel';
import { HistoryEntrySchema, UnmanagedNeighborSchema } from './poll-store';
import { POLL_OUTCOMES } from './poller';

/**
 * Session state polling: a router's poll on demand and its status, the neighbors on a router that
 * peerflow does not know and their import, a session's history of states.
 */

export const PollResultSchema = z
  .object({
    router_id: z.string(),
    hostname: z.string(),
    outcome: z.enum(POLL_OUTCOMES).check(
      z.meta({
        description:
          '`ok`: the router was read; `failed`: it could not be (its sessions are `unknown`, see `reason`); `skipped`: a scheduled poll found the router busy',
      }),
    ),
    reason: z.nullable(z.string()),
    polled_at: Timestamp,
    sessions: z.int(),
    changed: z
      .int()
      .check(z.meta({ description: 'Sessions whose polled state or counts changed (and were written)' })),
    established: z.int(),
    unmanaged: z.int(),
    error_count: z.int().check(z.meta({ description: "The router's failed polls in a row" })),
    writes: z.int().check(z.meta({ description: 'DynamoDB write requests the poll made' })),
  })
  .check(z.meta({ id: 'PollResult' }));

export const RouterPollStatusSchema = z
  .object({
    router_id: z.string(),
    last_polled: z.nullable(Timestamp),
    last_success: z.nullable(Timestamp),
    error_count: z
      .int()
      .check(z.meta({ description: 'Failed polls in a row; 0 once a poll reads the router' })),
    errors_total: z.int(),
    last_error: z.nullable(z.string()),
    unmanaged_count: z.int(),
    polling_now: z.boolean(),
  })
  .check(z.meta({ id: 'RouterPollStatus' }));

export const pollRouterRoute = route({
  operationId: 'pollRouter',
  method: 'POST',
  path: '/routers/{id}/poll',
  role: 'operator',
  tag: 'polling',
  summary:
    "Poll the router now: read every BGP neighbor's state, record the changes, answer the poll's result (409 while a deployment or another poll holds the router)",
  params: RouterIdParam,
  response: PollResultSchema,
  handler: 'functions/http/polling/poll-router.ts',
  access: { table: 'read-write', poll: true },
  errors: [404, 409, 503],
});

export const getPollStatusRoute = route({
  operationId: 'getRouterPollStatus',
  method: 'GET',
  path: '/routers/{id}/poll',
  role: 'viewer',
  tag: 'polling',
  summary: "The router's last poll, its error count and how many unmanaged neighbors it found",
  params: RouterIdParam,
  response: RouterPollStatusSchema,
  handler: 'functions/http/polling/get-poll-status.ts',
  access: { table: 'read' },
  errors: [404],
});

export const listUnmanagedRoute = route({
  operationId: 'listUnmanagedNeighbors',
  method: 'GET',
  path: '/routers/{id}/unmanaged',
  role: 'viewer',
  tag: 'polling',
  summary: 'The BGP neighbors the last poll found on the router that no session of the router names',
  params: RouterIdParam,
  response: z
    .object({
      router_id: z.string(),
      last_success: z.nullable(Timestamp),
      total: z.int().check(
        z.meta({
          description:
            'How many unmanaged neighbors the last poll found; `data` holds the first 1,000 of them by address',
        }),
      ),
      data: z.array(UnmanagedNeighborSchema),
    })
    .check(z.meta({ id: 'UnmanagedNeighbors' })),
  handler: 'functions/http/polling/list-unmanaged.ts',
  access: { table: 'read' },
  errors: [404],
});

export const importNeighborsRoute = route({
  operationId: 'importNeighbors',
  method: 'POST',
  path: '/routers/{id}/import',
  role: 'operator',
  tag: 'polling',
  summary:
    'Add sessions for unmanaged neighbors of the router, each filled from PeeringDB by its peer IP as addSession does, in the state it has on the router',
  params: RouterIdParam,
  body: z.strictObject({
    peer_ips: z.array(IpAddress).check(z.minLength(1), z.maxLength(100)),
  }),
  response: z
    .object({
      data: z.array(
        z.object({
          peer_ipaddr: z.string(),
          imported: z.boolean(),
          session: z.nullable(SessionSchema),
          reason: z.nullable(z.string()),
        }),
      ),
    })
    .check(z.meta({ id: 'ImportedNeighbors' })),
  handler: 'functions/http/polling/import-neighbors.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404],
});

export const sessionHistoryRoute = route({
  operationId: 'getSessionHistory',
  method: 'GET',
  path: '/sessions/{id}/history',
  role: 'viewer',
  tag: 'polling',
  summary:
    "Each change of the session's BGP state that a poll saw, newest first, with the prefix counts then",
  params: SessionIdParam,
  query: z.object({ limit: limitQuery, cursor: cursorQuery }),
  response: pageOf(
    z.extend(z.omit(HistoryEntrySchema, { from: true, to: true }), {
      from: z.nullable(PolledStateSchema),
      to: PolledStateSchema,
      at: Timestamp,
    }),
  ),
  handler: 'functions/http/polling/session-history.ts',
  access: { table: 'read', cursorKey: true },
  errors: [404],
});

export const pollingRoutes = [
  pollRouterRoute,
  getPollStatusRoute,
  listUnmanagedRoute,
  importNeighborsRoute,
  sessionHistoryRoute,
];
