import * as z from '../platform/zod';
import { ContactViewSchema, NetworkSchema, PortViewSchema } from '../peeringdb';
import { route } from '../platform/http/contract';
import { EmailAddress, idParam, ListQuery, pageOf, singleLine, Timestamp } from '../platform/http/schemas';
import { STORED_CONTACT_ROLES } from './network-contacts-store';

/** A peer's contact as the API shows it: from PeeringDB, or stored here by an operator. */
export const NetworkContactSchema = z
  .extend(ContactViewSchema, {
    id: z
      .nullable(z.int())
      .check(
        z.meta({ description: "PeeringDB poc id (a peer's preferred_contact_id); null when stored here" }),
      ),
    source: z.enum(['peeringdb', 'operator']).check(
      z.meta({
        description:
          "peeringdb: the network's PeeringDB contact; operator: an address stored here for the peer " +
          '(PUT /networks/{participant_id}/contacts)',
      }),
    ),
  })
  .check(z.meta({ id: 'NetworkContact' }));

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
    contacts: z.array(NetworkContactSchema),
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
      name: z.optional(
        singleLine(200).check(
          z.minLength(1),
          z.refine((v) => v.trim().length > 0, { message: 'must hold more than blanks' }),
        ),
      ),
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

const NetworkParams = z.object({ participant_id: idParam });
const NetworkContactsSchema = z.object({ data: z.array(NetworkContactSchema) });

export const MAX_STORED_CONTACTS = 20;

export const listNetworkContactsRoute = route({
  operationId: 'listNetworkContacts',
  method: 'GET',
  path: '/networks/{participant_id}/contacts',
  role: 'viewer',
  tag: 'networks',
  summary:
    "A network's contacts: its PeeringDB contacts (policy first) and the addresses stored here for it. " +
    'Requests and mail go only to these, unless an admin sends them',
  params: NetworkParams,
  response: NetworkContactsSchema,
  handler: 'functions/http/networks/list-network-contacts.ts',
  access: { table: 'read' },
  errors: [404],
});

export const putNetworkContactsRoute = route({
  operationId: 'putNetworkContacts',
  method: 'PUT',
  path: '/networks/{participant_id}/contacts',
  role: 'operator',
  tag: 'networks',
  summary:
    'Replace the addresses stored for a network beside its PeeringDB contacts (an empty list removes them); ' +
    'requests and mail may then go to them',
  params: NetworkParams,
  body: z.strictObject({
    contacts: z
      .array(
        z.strictObject({
          email: EmailAddress,
          name: z._default(singleLine(200), ''),
          role: z._default(z.enum(STORED_CONTACT_ROLES), 'Policy'),
        }),
      )
      .check(z.maxLength(MAX_STORED_CONTACTS)),
  }),
  response: NetworkContactsSchema,
  handler: 'functions/http/networks/put-network-contacts.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const deleteNetworkContactsRoute = route({
  operationId: 'deleteNetworkContacts',
  method: 'DELETE',
  path: '/networks/{participant_id}/contacts',
  role: 'operator',
  tag: 'networks',
  summary: 'Remove the addresses stored for a network (its PeeringDB contacts stay)',
  params: NetworkParams,
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/networks/delete-network-contacts.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const networksRoutes = [
  listNetworksRoute,
  getNetworkRoute,
  listNetworkContactsRoute,
  putNetworkContactsRoute,
  deleteNetworkContactsRoute,
];
