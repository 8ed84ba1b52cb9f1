import * as z from '../platform/zod';
import { SyncRunSchema } from './sync-run-view';
import { route } from '../platform/http/contract';
import { ListQuery, pageOf } from '../platform/http/schemas';

export const startSyncRoute = route({
  operationId: 'startPeeringDbSync',
  method: 'POST',
  path: '/sync/peeringdb',
  role: 'admin',
  tag: 'sync',
  summary:
    'Start a PeeringDB sync run now, in the background (?mode=full|incremental|auto); follow it with GET /sync/runs/{id}',
  query: z.strictObject({
    mode: z
      ._default(z.enum(['full', 'incremental', 'auto']), 'auto')
      .check(z.meta({ description: 'auto: full on the first run, incremental after' })),
  }),
  response: z.object({
    id: z.string(),
    mode: z.enum(['full', 'incremental', 'auto']),
    status: z.literal('started'),
  }),
  successStatus: 202,
  handler: 'functions/http/sync/start-sync.ts',
  access: { table: 'read-write', startSync: true },
  errors: [409, 503],
});

export const listSyncRunsRoute = route({
  operationId: 'listSyncRuns',
  method: 'GET',
  path: '/sync/runs',
  role: 'viewer',
  tag: 'sync',
  summary:
    'Sync runs, newest first, with their counts per object type; the source as its kind and host (admins: its location too)',
  query: ListQuery,
  response: pageOf(SyncRunSchema),
  handler: 'functions/http/sync/list-sync-runs.ts',
  access: { table: 'read', cursorKey: true },
});

export const getSyncRunRoute = route({
  operationId: 'getSyncRun',
  method: 'GET',
  path: '/sync/runs/{id}',
  role: 'viewer',
  tag: 'sync',
  summary: 'One sync run: per object type fetched, added, changed, deleted, unchanged, invalid, errors',
  params: z.object({ id: z.uuid() }),
  response: SyncRunSchema,
  handler: 'functions/http/sync/get-sync-run.ts',
  access: { table: 'read' },
  errors: [404],
});

export const syncRoutes = [startSyncRoute, listSyncRunsRoute, getSyncRunRoute];
