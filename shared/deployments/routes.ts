import * as z from '../platform/zod';
import { route } from '../platform/http/contract';
import { ListQuery, multiLine, pageOf, queryBoolean, Timestamp, UuidParam } from '../platform/http/schemas';
import {
  filters,
  RevisionSummary,
  SessionFilterKeys,
  SessionIdParam,
  SessionRemovalSchema,
  SessionSchema,
} from '../sessions';
import { RouterIdParam } from '../routers';
import { ConnectionInputSchema, StoredConnectionSchema } from './connections';
import { StoredDeploymentSchema } from './deployments-store';
import { DEPLOYMENT_DEFAULTS } from './deployments';

/**
 * Delivery to routers: each router's management connection, and deployments of its config.
 */

export const ConnectionSchema = z
  .object({
    ...z.omit(StoredConnectionSchema, { secret_ciphertext: true, created: true, modified: true }).shape,
    created: Timestamp,
    modified: Timestamp,
  })
  .check(z.meta({ id: 'RouterConnection', description: 'everything but the secret, which is never shown' }));

const Seconds = (min: number, max: number, byDefault: number, description: string) =>
  z._default(z.int().check(z.gte(min), z.lte(max), z.meta({ description })), byDefault);

export const DeploymentInputSchema = z
  .strictObject({
    dry_run: z
      ._default(z.boolean(), false)
      .check(z.meta({ description: 'stop after the diff against the running config: nothing is written' })),
    confirm_seconds: Seconds(
      30,
      900,
      DEPLOYMENT_DEFAULTS.confirm_seconds,
      'the rollback timer: a change not confirmed within it goes back by itself (BIRD), or is restored',
    ),
    verify_seconds: Seconds(
      0,
      600,
      DEPLOYMENT_DEFAULTS.verify_seconds,
      'how long the sessions the change touches may take to reach Established',
    ),
    require_established: z._default(z.boolean(), false).check(
      z.meta({
        description:
          'roll back when a session the change adds does not reach Established (by default it stays configured: its peer may not be ready)',
      }),
    ),
  })
  .check(
    z.refine((d) => d.confirm_seconds >= d.verify_seconds + 20, {
      message:
        'confirm_seconds must exceed verify_seconds by at least 20 s, or the timer undoes a good change',
      path: ['confirm_seconds'],
    }),
  );

/** A deployment as answered: the stored record without what only the workflow reads. */
export const DeploymentSchema = z
  .extend(
    z.omit(StoredDeploymentSchema, {
      custom_config: true,
      settled_since: true,
      ending: true,
    }),
    {
      custom: z.boolean().check(z.meta({ description: 'a one-time config an operator wrote was delivered' })),
    },
  )
  .check(z.meta({ id: 'Deployment' }));

export const putConnectionRoute = route({
  operationId: 'putRouterConnection',
  method: 'PUT',
  path: '/routers/{id}/connection',
  role: 'admin',
  tag: 'deployments',
  summary:
    "Set how peerflow reaches the router's host (SSH): the host key is pinned, the secret is encrypted and never shown",
  params: RouterIdParam,
  body: ConnectionInputSchema,
  response: ConnectionSchema,
  handler: 'functions/http/deployments/put-connection.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404],
});

export const getConnectionRoute = route({
  operationId: 'getRouterConnection',
  method: 'GET',
  path: '/routers/{id}/connection',
  role: 'admin',
  tag: 'deployments',
  summary: "The router's management connection, without its secret",
  params: RouterIdParam,
  response: ConnectionSchema,
  handler: 'functions/http/deployments/get-connection.ts',
  access: { table: 'read' },
  errors: [404],
});

export const deleteConnectionRoute = route({
  operationId: 'deleteRouterConnection',
  method: 'DELETE',
  path: '/routers/{id}/connection',
  role: 'admin',
  tag: 'deployments',
  summary: 'Forget the management connection: the router takes no more deployments',
  params: RouterIdParam,
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/deployments/delete-connection.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const startDeploymentRoute = route({
  operationId: 'startDeployment',
  method: 'POST',
  path: '/routers/{id}/deployments',
  role: 'operator',
  tag: 'deployments',
  summary:
    "Deliver the router's config: identity check, diff, validation on the device, apply with a rollback timer, verification by the sessions, then confirm or roll back",
  params: RouterIdParam,
  body: z.optional(DeploymentInputSchema),
  response: DeploymentSchema,
  successStatus: 202,
  handler: 'functions/http/deployments/start-deployment.ts',
  access: { table: 'read-write', startDeployment: true },
  idempotent: true,
  errors: [404, 409, 503],
});

export const listDeploymentsRoute = route({
  operationId: 'listDeployments',
  method: 'GET',
  path: '/routers/{id}/deployments',
  role: 'viewer',
  tag: 'deployments',
  summary: "The router's deployments, newest first",
  params: RouterIdParam,
  query: ListQuery,
  response: pageOf(DeploymentSchema),
  handler: 'functions/http/deployments/list-deployments.ts',
  access: { table: 'read', cursorKey: true },
  errors: [404],
});

export const getDeploymentRoute = route({
  operationId: 'getDeployment',
  method: 'GET',
  path: '/deployments/{id}',
  role: 'viewer',
  tag: 'deployments',
  summary: 'One deployment: its status, the diff, each step with what the device answered, each session',
  params: UuidParam,
  response: DeploymentSchema,
  handler: 'functions/http/deployments/get-deployment.ts',
  access: { table: 'read' },
  errors: [404],
});

export const deploymentsRoutes = [
  putConnectionRoute,
  getConnectionRoute,
  deleteConnectionRoute,
  startDeploymentRoute,
  listDeploymentsRoute,
  getDeploymentRoute,
];

// The session actions that reach a router: their contracts stay under /sessions, and are served
// from here because their answers carry the deployment.

export const configureSessionRoute = route({
  operationId: 'configureSession',
  method: 'POST',
  path: '/sessions/{id}/configure',
  role: 'operator',
  tag: 'sessions',
  summary:
    "Deliver the session's router config (or the one-time `config` an operator wrote) through a deployment and keep the revision; configured once the router took it. Without a connection: rendered, kept, not delivered",
  params: SessionIdParam,
  body: z.optional(
    z.strictObject({
      config: z
        .optional(
          // A router config holds lines, nothing else.
          multiLine(65_536).check(z.minLength(1)),
        )
        .check(
          z.meta({
            description: 'a one-time custom configuration, delivered as written instead of the rendered one',
          }),
        ),
    }),
  ),
  response: z
    .object({
      session: SessionSchema,
      revision: RevisionSummary,
      delivery: z
        .string()
        .check(z.meta({ description: '`deployment`, or `not delivered` without a connection' })),
      delivered: z.boolean(),
      config: z.string(),
      deployment: z.nullable(DeploymentSchema),
    })
    .check(z.meta({ id: 'ConfiguredSession' })),
  handler: 'functions/http/sessions/configure-session.ts',
  access: { table: 'read-write', secrets: true, startDeployment: true },
  errors: [404, 409, 503],
});

export const deleteSessionRoute = route({
  operationId: 'deleteSession',
  method: 'DELETE',
  path: '/sessions/{id}',
  role: 'operator',
  tag: 'sessions',
  summary:
    'Delete one session; the answer gives what removes it from its router, or with deploy=true a deployment removes it first',
  params: SessionIdParam,
  query: z.object({
    deploy: z.optional(queryBoolean).check(
      z.meta({
        description:
          'take the session off its router through a deployment; the session is deleted once it succeeded, and stays otherwise',
      }),
    ),
  }),
  response: z
    .object({
      session: SessionSchema,
      removal: z.nullable(SessionRemovalSchema),
      deployment: z.nullable(DeploymentSchema),
      deleted: z.boolean(),
    })
    .check(z.meta({ id: 'DeletedSession' })),
  handler: 'functions/http/sessions/delete-session.ts',
  access: { table: 'read-write', secrets: true, startDeployment: true },
  errors: [404, 409, 503],
});

export const deleteSessionsRoute = route({
  operationId: 'deleteSessions',
  method: 'DELETE',
  path: '/sessions',
  role: 'operator',
  tag: 'sessions',
  summary:
    'Delete every session matching the filters (at least one); dry_run lists them instead; deploy=true takes them off their routers first, one deployment per router',
  query: z
    .object({
      ...filters,
      dry_run: z.optional(queryBoolean),
      deploy: z.optional(queryBoolean).check(
        z.meta({
          description:
            "one deployment per router takes its matching sessions off it; a router's sessions are deleted once its deployment succeeded",
        }),
      ),
    })
    .check(
      z.refine((q) => SessionFilterKeys.some((k) => q[k] !== undefined), {
        message:
          'give at least one filter; to delete every session, filter by each router (resource_id) in turn',
      }),
    ),
  response: z
    .object({
      deleted: z.int(),
      dry_run: z.boolean(),
      data: z.array(SessionSchema),
      removals: z.array(SessionRemovalSchema).check(z.meta({ description: 'One per router' })),
      deployments: z.array(DeploymentSchema),
    })
    .check(z.meta({ id: 'DeletedSessions' })),
  handler: 'functions/http/sessions/delete-sessions.ts',
  access: { table: 'read-write', secrets: true, startDeployment: true },
  errors: [409, 503],
});

/** Every route served from this area. */
export const deliveryRoutes = [
  ...deploymentsRoutes,
  configureSessionRoute,
  deleteSessionRoute,
  deleteSessionsRoute,
];
