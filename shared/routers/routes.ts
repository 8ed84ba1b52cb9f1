import * as z from '../platform/zod';
import { PlatformSchema, StoredRouterSchema } from './routers-store';
import { Asn, Hostname, IpAddress, Ipv4Address, RenderedConfigSchema, RtrServers } from './schemas';
import { route } from '../platform/http/contract';
import { ItemNumber, ListQuery, pageOf, Timestamp } from '../platform/http/schemas';

export const RouterIdParam = z.object({ id: z.uuid() });

export const RouterSchema = z
  .object({
    ...z.pick(StoredRouterSchema, {
      id: true,
      hostname: true,
      platform: true,
      asn: true,
      router_id: true,
      mgmt_address: true,
    }).shape,
    rtr_servers: z.optional(RtrServers),
    number: ItemNumber,
    session_count: z.int(),
    version: z.int(),
    created: Timestamp,
    modified: Timestamp,
  })
  .check(z.meta({ id: 'Router' }));

const MgmtAddress = z.nullable(z.union([IpAddress, Hostname]));

export const listRoutersRoute = route({
  operationId: 'listRouters',
  method: 'GET',
  path: '/routers',
  role: 'viewer',
  tag: 'routers',
  summary: 'List routers (by host name)',
  query: ListQuery,
  response: pageOf(RouterSchema),
  handler: 'functions/http/routers/list-routers.ts',
  access: { table: 'read', cursorKey: true },
});

export const createRouterRoute = route({
  operationId: 'createRouter',
  method: 'POST',
  path: '/routers',
  role: 'operator',
  tag: 'routers',
  summary: 'Add a router that sessions are configured on',
  body: z.strictObject({
    hostname: Hostname,
    platform: PlatformSchema,
    asn: Asn,
    router_id: Ipv4Address,
    mgmt_address: z.optional(MgmtAddress),
    rtr_servers: z.optional(RtrServers),
  }),
  response: RouterSchema,
  successStatus: 201,
  handler: 'functions/http/routers/create-router.ts',
  idempotent: true,
  access: { table: 'read-write' },
  errors: [409],
});

export const getRouterRoute = route({
  operationId: 'getRouter',
  method: 'GET',
  path: '/routers/{id}',
  role: 'viewer',
  tag: 'routers',
  summary: 'One router',
  params: RouterIdParam,
  response: RouterSchema,
  handler: 'functions/http/routers/get-router.ts',
  access: { table: 'read' },
  errors: [404],
});

export const updateRouterRoute = route({
  operationId: 'updateRouter',
  method: 'PATCH',
  path: '/routers/{id}',
  role: 'operator',
  tag: 'routers',
  summary: 'Change a router; `version` (or If-Match) guards against lost updates',
  params: RouterIdParam,
  body: z
    .strictObject({
      hostname: z.optional(Hostname),
      platform: z.optional(PlatformSchema),
      asn: z.optional(Asn),
      router_id: z.optional(Ipv4Address),
      mgmt_address: z.optional(MgmtAddress),
      rtr_servers: z.optional(RtrServers),
      version: z.optional(z.int().check(z.gte(1))),
    })
    .check(
      z.refine((b) => Object.keys(b).some((k) => k !== 'version'), {
        message: 'name at least one field to change',
      }),
    ),
  response: RouterSchema,
  handler: 'functions/http/routers/update-router.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404, 409],
});

export const deleteRouterRoute = route({
  operationId: 'deleteRouter',
  method: 'DELETE',
  path: '/routers/{id}',
  role: 'operator',
  tag: 'routers',
  summary: 'Delete a router that has no sessions',
  params: RouterIdParam,
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/routers/delete-router.ts',
  access: { table: 'read-write' },
  errors: [404, 409],
});

export const renderRouterConfigRoute = route({
  operationId: 'renderRouterConfig',
  method: 'GET',
  path: '/routers/{id}/config',
  role: 'viewer',
  tag: 'routers',
  summary: "Render the BGP configuration of all the router's sessions (render only, nothing stored)",
  params: RouterIdParam,
  query: z.object({ platform: z.optional(PlatformSchema) }),
  response: RenderedConfigSchema,
  handler: 'functions/http/routers/render-router-config.ts',
  access: { table: 'read', secrets: true },
  errors: [404],
});

export const routersRoutes = [
  listRoutersRoute,
  createRouterRoute,
  getRouterRoute,
  updateRouterRoute,
  deleteRouterRoute,
  renderRouterConfigRoute,
];
