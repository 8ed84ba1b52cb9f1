import * as z from '../platform/zod';
import { PeerLogEntrySchema } from '../peer-log';
import { PeerRequestStatusSchema } from '../kernel';
import { ContactViewSchema, NetworkSchema, PortViewSchema } from '../peeringdb';
import { route } from '../platform/http/contract';
import {
  idParam,
  ListQuery,
  multiLine,
  pageOf,
  queryBoolean,
  singleLine,
  Timestamp,
} from '../platform/http/schemas';

export const PeerParams = z.object({ public_id: idParam });
export const OnePeerParams = z.object({ public_id: idParam, participant_id: idParam });

const textFilter = z.optional(singleLine(200).check(z.minLength(1)));
const exactFilter = z.optional(singleLine(64));
const countFilter = z.optional(z.coerce.number().check(z.integer(), z.gte(0), z.lte(100_000_000)));
const dateFilter = z
  .optional(z.union([z.iso.date(), z.iso.datetime({ offset: true })]))
  .check(z.meta({ description: 'a date (2024-01-31) or an ISO-8601 date-time' }));

/**
 * getPeers filters. Text fields match a case-insensitive substring, enumerations match exactly,
 * PeeringDB dates are ranges (`created_after`...) instead of the seed's exact `date_created`.
 * Unknown parameters are refused so that a misspelt filter never silently widens the list.
 */
export const PeerFiltersSchema = z.object({
  id: z.optional(idParam),
  asn: z.optional(z.coerce.number().check(z.integer(), z.gte(1), z.lte(4_294_967_295))),
  name: textFilter,
  aka: textFilter,
  website: textFilter,
  irr_as_set: textFilter,
  notes_public: textFilter,
  notes_private: textFilter,
  policy_url: textFilter,
  looking_glass: textFilter,
  route_server: textFilter,
  info_traffic: exactFilter,
  info_ratio: exactFilter,
  info_scope: exactFilter,
  info_type: exactFilter,
  policy_general: exactFilter,
  policy_locations: exactFilter,
  policy_contracts: exactFilter,
  info_prefixes4: countFilter,
  info_prefixes6: countFilter,
  info_prefixes4_min: countFilter,
  info_prefixes6_min: countFilter,
  info_unicast: z.optional(queryBoolean),
  info_multicast: z.optional(queryBoolean),
  info_ipv6: z.optional(queryBoolean),
  policy_ratio: z.optional(queryBoolean),
  created_after: dateFilter,
  created_before: dateFilter,
  updated_after: dateFilter,
  updated_before: dateFilter,
  qualified: z.optional(queryBoolean),
  is_peer: z.optional(queryBoolean),
  is_route_server: z.optional(queryBoolean),
  request_status: z.optional(PeerRequestStatusSchema),
});
export type PeerFilters = z.infer<typeof PeerFiltersSchema>;

export const PeerListQuery = z.strictObject(
  z.extend(ListQuery, {
    ...PeerFiltersSchema.shape,
    include_public_ips: z.optional(queryBoolean),
    include_contacts: z.optional(queryBoolean),
    include_log_data: z.optional(queryBoolean),
    /** Peers hidden until a later date are left out unless asked for. */
    include_hidden: z.optional(queryBoolean),
  }).shape,
);
export type PeerListQueryInput = z.infer<typeof PeerListQuery>;

/** The list's include flags, on one peer: each part is embedded unless its flag says false. */
export const OnePeerQuery = z.strictObject({
  include_public_ips: z.optional(queryBoolean),
  include_contacts: z.optional(queryBoolean),
  include_log_data: z.optional(queryBoolean),
});
export type OnePeerQueryInput = z.infer<typeof OnePeerQuery>;

export const PublicIpSchema = PortViewSchema.check(z.meta({ id: 'PeerPublicIp' }));

export const PeerContactSchema = z
  .extend(ContactViewSchema, { preferred: z.boolean() })
  .check(z.meta({ id: 'PeerContact' }));

export const QualificationOverrideView = z
  .object({ qualified: z.boolean(), reason: z.string(), user: z.nullable(z.string()), time: Timestamp })
  .check(z.meta({ id: 'QualificationOverride' }));

export const PeerSchema = z
  .object({
    id: z.int().check(z.meta({ description: 'participant_id: the PeeringDB net id' })),
    public_id: z.int().check(z.meta({ description: 'the PeeringDB ix id' })),
    ...z.pick(NetworkSchema, {
      asn: true,
      name: true,
      aka: true,
      name_long: true,
      website: true,
      irr_as_set: true,
      info_traffic: true,
      info_ratio: true,
      info_scope: true,
      info_type: true,
    }).shape,
    info_prefixes: z
      .object({ v4: z.nullable(z.int()), v6: z.nullable(z.int()) })
      .check(z.meta({ description: 'PeeringDB info_prefixes4 and info_prefixes6' })),
    ...z.pick(NetworkSchema, {
      info_unicast: true,
      info_multicast: true,
      info_ipv6: true,
      looking_glass: true,
      route_server: true,
    }).shape,
    is_route_server: z.boolean().check(
      z.meta({
        description:
          'PeeringDB types the network "Route Server", or the exchange names its ASN as its route servers\' (ixlan rs_asn)',
      }),
    ),
    notes_public: z.string(),
    ...z.pick(NetworkSchema, {
      policy_url: true,
      policy_general: true,
      policy_locations: true,
      policy_ratio: true,
      policy_contracts: true,
    }).shape,
    created: z.string().check(z.meta({ description: 'PeeringDB record created' })),
    updated: z.string().check(z.meta({ description: 'PeeringDB record last updated' })),
    qualified: z.boolean(),
    qualification_reasons: z.array(z.string()),
    qualification_override: z.nullable(QualificationOverrideView),
    is_peer: z.boolean(),
    request_status: PeerRequestStatusSchema,
    request_status_time: z
      .nullable(Timestamp)
      .check(z.meta({ description: 'When the request status last changed; null when it never did' })),
    notes_private: z.nullable(z.string()),
    preferred_contact_id: z.nullable(z.int()),
    hidden_until: z.nullable(Timestamp),
    public_ips: z.optional(z.array(PublicIpSchema)).check(z.meta({ description: 'with include_public_ips' })),
    contacts: z
      .optional(z.array(PeerContactSchema))
      .check(z.meta({ description: 'with include_contacts; preferred first, then Policy, Technical, NOC' })),
    log_data: z
      .optional(z.array(PeerLogEntrySchema))
      .check(z.meta({ description: 'with include_log_data; newest first' })),
  })
  .check(z.meta({ id: 'Peer' }));
export type Peer = z.infer<typeof PeerSchema>;

export const CommunicationSchema = z
  .object({
    id: z.int(),
    public_id: z.int(),
    asn: z.int(),
    name: z.string(),
    request_status: PeerRequestStatusSchema,
    request_status_time: z
      .nullable(Timestamp)
      .check(z.meta({ description: 'When the request status last changed; null when it never did' })),
    qualified: z.boolean(),
    qualification_reasons: z.array(z.string()),
    is_peer: z.boolean(),
    log_data: z.array(PeerLogEntrySchema),
  })
  .check(z.meta({ id: 'Communication' }));

/** Free text that may span lines, but carries no other control characters. */
const notes = multiLine(4000);

export const UpdatePeerBody = z
  .strictObject({
    notes_private: z.optional(z.nullable(notes)),
    qualification_override: z
      .optional(
        z.nullable(z.strictObject({ qualified: z.boolean(), reason: singleLine(500).check(z.minLength(1)) })),
      )
      .check(z.meta({ description: 'wins over the rules; null removes it' })),
    preferred_contact_id: z
      .optional(z.nullable(idParam))
      .check(z.meta({ description: "one of the peer's PeeringDB contacts" })),
    hidden_until: z
      .optional(z.nullable(z.iso.datetime({ offset: true })))
      .check(z.meta({ description: 'left out of getPeers until then; null shows it again' })),
  })
  .check(
    z.refine((b) => Object.values(b).some((v) => v !== undefined), {
      message: 'name at least one field to change',
    }),
  );
export type UpdatePeerInput = z.infer<typeof UpdatePeerBody>;

export const listPeersRoute = route({
  operationId: 'getPeers',
  method: 'GET',
  path: '/exchanges/{public_id}/peers',
  role: 'viewer',
  tag: 'peers',
  summary: 'Networks at an exchange that could be peers, with qualification, status and filters',
  params: PeerParams,
  query: PeerListQuery,
  response: pageOf(PeerSchema),
  handler: 'functions/http/peers/list-peers.ts',
  access: { table: 'read', cursorKey: true },
  errors: [404],
});

export const getPeerRoute = route({
  operationId: 'getPeer',
  method: 'GET',
  path: '/exchanges/{public_id}/peers/{participant_id}',
  role: 'viewer',
  tag: 'peers',
  summary: 'One peer at an exchange, with its IPs, contacts and log (each unless its include flag is false)',
  params: OnePeerParams,
  query: OnePeerQuery,
  response: PeerSchema,
  handler: 'functions/http/peers/get-peer.ts',
  access: { table: 'read' },
  errors: [404],
});

export const updatePeerRoute = route({
  operationId: 'updatePeer',
  method: 'PATCH',
  path: '/exchanges/{public_id}/peers/{participant_id}',
  role: 'operator',
  tag: 'peers',
  summary: 'Private notes, qualification override, preferred contact, hidden until a date',
  params: OnePeerParams,
  body: UpdatePeerBody,
  response: PeerSchema,
  handler: 'functions/http/peers/update-peer.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const resetPeerStatusRoute = route({
  operationId: 'resetPeerStatus',
  method: 'POST',
  path: '/exchanges/{public_id}/peers/{participant_id}/reset',
  role: 'operator',
  tag: 'peers',
  summary: 'Set the request status back to none, and log it',
  params: OnePeerParams,
  response: PeerSchema,
  handler: 'functions/http/peers/reset-peer-status.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const listCommunicationsRoute = route({
  operationId: 'getCommunications',
  method: 'GET',
  path: '/exchanges/{public_id}/communications',
  role: 'viewer',
  tag: 'peers',
  summary: 'Per peer at an exchange: request status, qualification, is_peer and the log',
  params: PeerParams,
  query: z.strictObject(ListQuery.shape),
  response: pageOf(CommunicationSchema),
  handler: 'functions/http/peers/list-communications.ts',
  access: { table: 'read', cursorKey: true },
  errors: [404],
});

export const peersRoutes = [
  listPeersRoute,
  getPeerRoute,
  updatePeerRoute,
  resetPeerStatusRoute,
  listCommunicationsRoute,
];
