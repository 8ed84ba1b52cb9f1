import * as z from '../platform/zod';
import { ExchangeSchema } from '../peeringdb';
import { route } from '../platform/http/contract';
import { idParam, ListQuery, pageOf, queryBoolean, singleLine, Timestamp } from '../platform/http/schemas';

export const ExchangeParams = z.object({ public_id: idParam });

export const OwnPresenceSchema = z
  .object({
    public_id: z.int(),
    public_name: z.string(),
    ipaddr4: z.array(z.string()),
    ipaddr6: z.array(z.string()),
    router_id: z.nullable(z.string()),
    source: z.enum(['peeringdb', 'override']),
  })
  .check(z.meta({ id: 'OwnPresence' }));

export const ExchangeSummarySchema = z
  .object({
    public_id: z.int(),
    public_name: z.string(),
    ...z.pick(ExchangeSchema, {
      name_long: true,
      city: true,
      country: true,
      region_continent: true,
      media: true,
      website: true,
      proto_unicast: true,
      proto_ipv6: true,
    }).shape,
    /** Whether the operator is present here (its own netixlan rows or an override). */
    present: z.boolean(),
    updated: Timestamp,
  })
  .check(z.meta({ id: 'Exchange' }));

export const ExchangeDetailSchema = z
  .extend(ExchangeSummarySchema, {
    org_id: z.nullable(z.int()),
    tech_email: z.string(),
    policy_email: z.string(),
    created: Timestamp,
    prefixes: z.array(
      z.object({ protocol: z.enum(['IPv4', 'IPv6']), prefix: z.string(), in_dfz: z.boolean() }),
    ),
    facilities: z.array(
      z.object({ fac_id: z.int(), name: z.string(), city: z.string(), country: z.string() }),
    ),
    member_count: z.int(),
    presence: z.nullable(OwnPresenceSchema),
  })
  .check(z.meta({ id: 'ExchangeDetail' }));

export const listExchangesRoute = route({
  operationId: 'listExchanges',
  method: 'GET',
  path: '/exchanges',
  role: 'viewer',
  tag: 'exchanges',
  summary: 'Exchanges from PeeringDB: search by name (substring), country, city; present=true for ours',
  query: z.strictObject(
    z.extend(ListQuery, {
      name: z.optional(singleLine(200).check(z.minLength(1))),
      country: z.optional(z.string().check(z.regex(/^[A-Za-z]{2}$/, 'a two-letter country code'))),
      city: z.optional(singleLine(200).check(z.minLength(1))),
      present: z.optional(queryBoolean),
    }).shape,
  ),
  response: pageOf(ExchangeSummarySchema),
  handler: 'functions/http/exchanges/list-exchanges.ts',
  access: { table: 'read', cursorKey: true },
});

export const getExchangeRoute = route({
  operationId: 'getExchange',
  method: 'GET',
  path: '/exchanges/{public_id}',
  role: 'viewer',
  tag: 'exchanges',
  summary: 'One exchange with its prefixes, facilities, member count and our presence',
  params: ExchangeParams,
  response: ExchangeDetailSchema,
  handler: 'functions/http/exchanges/get-exchange.ts',
  access: { table: 'read' },
  errors: [404],
});

const address = (version: 'v4' | 'v6') =>
  (version === 'v4' ? z.ipv4() : z.ipv6()).check(
    z.meta({
      description: `an IP${version} address of ours on the exchange LAN`,
    }),
  );

export const PresenceBodySchema = z
  .strictObject({
    router_id: z.optional(z.nullable(singleLine(64).check(z.minLength(1)))),
    ipaddr4: z.optional(z.array(address('v4')).check(z.maxLength(16))),
    ipaddr6: z.optional(z.array(address('v6')).check(z.maxLength(16))),
  })
  .check(
    z.refine((b) => Object.keys(b).length > 0, {
      message: 'name at least one of router_id, ipaddr4, ipaddr6',
    }),
    z.meta({ id: 'PresenceOverride' }),
  );

export const putPresenceRoute = route({
  operationId: 'putExchangePresence',
  method: 'PUT',
  path: '/exchanges/{public_id}/presence',
  role: 'operator',
  tag: 'exchanges',
  summary:
    'Override our presence at an exchange (router, local IPv4/IPv6); fields left out stay as PeeringDB says',
  params: ExchangeParams,
  body: PresenceBodySchema,
  response: OwnPresenceSchema,
  handler: 'functions/http/exchanges/put-presence.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const deletePresenceRoute = route({
  operationId: 'deleteExchangePresence',
  method: 'DELETE',
  path: '/exchanges/{public_id}/presence',
  role: 'operator',
  tag: 'exchanges',
  summary: 'Drop the override: our presence comes from PeeringDB again',
  params: ExchangeParams,
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/exchanges/delete-presence.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const exchangesRoutes = [listExchangesRoute, getExchangeRoute, putPresenceRoute, deletePresenceRoute];
