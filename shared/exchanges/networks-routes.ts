import * as z from '../platform/zod';
import { ContactViewSchema, NetworkSchema, PortViewSchema } from '../peeringdb';
import { route } from '../platform/http/contract';
import { idParam, ListQuery, pageOf, singleLine, Timestamp } from '../platform/http/schemas';

export const NetworkSummarySchema = z
  .object({
    participant_id: z.int(),
    asn: z.int(),
    name: z.string(),
    aka: z.string(),
    website: z.string(),
    irr_as_set: z.string(),
    info_type: z.string(),
    info_ratio: z.string(),
    info_scope: z.string(),
    info_prefixes4: z.nullable(z.int()),
    info_prefixes6: z.nullable(z.int()),
    policy_general: z.string(),
    updated: Timestamp,
  })
  .check(z.meta({ id: 'Network' }));

export const NetworkDetailSchema = z
  .extend(NetworkSummarySchema, {
    // The rest of PeeringDB's network record, as peerflow keeps it.
    ...z.pick(NetworkSchema, {
      org_id: true,
      name_long: true,
      info_traffic: true,
      info_unicast: true,
      info_multicast: true,
      info_ipv6: true,
      looking_glass: true,
      route_server: true,
      notes: true,
      policy_url: true,
      policy_locations: true,
      policy_ratio: true,
      policy_contracts: true,
    }).shape,
    created: Timestamp,
    contacts: z.array(
      z.extend(ContactViewSchema, {
        id: z.int().check(z.meta({ description: "PeeringDB poc id: a peer's preferred_contact_id" })),
      }),
    ),
    exchanges: z.array(z.object({ public_id: z.int(), public_name: z.string(), ...PortViewSchema.shape })),
  })
  .check(z.meta({ id: 'NetworkDetail' }));

export const listNetworksRoute = route({
  operationId: 'listNetworks',
  method: 'GET',
  path: '/networks',
  role: 'viewer',
  tag: 'networks',
  summary: 'Networks from PeeringDB, by ASN or by name (prefix, case-insensitive), ordered by name',
  query: z.strictObject(
    z.extend(ListQuery, {
      asn: z.optional(z.coerce.number().check(z.integer(), z.gte(1), z.lte(4_294_967_295))),
      name: z.optional(singleLine(200).check(z.minLength(1))),
    }).shape,
  ),
  response: pageOf(NetworkSummarySchema),
  handler: 'functions/http/networks/list-networks.ts',
  access: { table: 'read', cursorKey: true },
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
