import * as z from 'zod';
import { route } from '../contract';
import { idParam, ListQuery, pageOf, singleLine, Timestamp } from '../schemas';

export const NetworkSummarySchema = z
  .object({
    participant_id: z.number().int(),
    asn: z.number().int(),
    name: z.string(),
    aka: z.string(),
    website: z.string(),
    irr_as_set: z.string(),
    info_type: z.string(),
    info_ratio: z.string(),
    info_scope: z.string(),
    info_prefixes4: z.number().int().nullable(),
    info_prefixes6: z.number().int().nullable(),
    policy_general: z.string(),
    updated: Timestamp,
  })
  .meta({ id: 'Network' });

export const NetworkDetailSchema = NetworkSummarySchema.extend({
  org_id: z.number().int().nullable(),
  name_long: z.string(),
  info_traffic: z.string(),
  info_unicast: z.boolean(),
  info_multicast: z.boolean(),
  info_ipv6: z.boolean(),
  looking_glass: z.string(),
  route_server: z.string(),
  notes: z.string(),
  policy_url: z.string(),
  policy_locations: z.string(),
  policy_ratio: z.boolean(),
  policy_contracts: z.string(),
  created: Timestamp,
  contacts: z.array(
    z.object({ role: z.string(), name: z.string(), email: z.string(), phone: z.string(), url: z.string() }),
  ),
  exchanges: z.array(
    z.object({
      public_id: z.number().int(),
      public_name: z.string(),
      ipaddr4: z.string().nullable(),
      ipaddr6: z.string().nullable(),
      speed: z.number().int(),
      is_rs_peer: z.boolean(),
      operational: z.boolean(),
    }),
  ),
}).meta({ id: 'NetworkDetail' });

export const listNetworksRoute = route({
  operationId: 'listNetworks',
  method: 'GET',
  path: '/networks',
  role: 'viewer',
  tag: 'networks',
  summary: 'Networks from PeeringDB, by ASN or by name (prefix, case-insensitive), ordered by name',
  query: ListQuery.extend({
    asn: z.coerce.number().int().min(1).max(4_294_967_295).optional(),
    name: singleLine(200).min(1).optional(),
  }).strict(),
  response: pageOf(NetworkSummarySchema),
  handler: 'functions/http/networks/list-networks.ts',
  access: { table: 'read' },
});

export const getNetworkRoute = route({
  operationId: 'getNetwork',
  method: 'GET',
  path: '/networks/{participant_id}',
  role: 'viewer',
  tag: 'networks',
  summary: 'One network with its contacts (policy first) and the exchanges it is present at',
  params: z.object({ participant_id: idParam }),
  response: NetworkDetailSchema,
  handler: 'functions/http/networks/get-network.ts',
  access: { table: 'read' },
  errors: [404],
});

export const networksRoutes = [listNetworksRoute, getNetworkRoute];
