import * as z from 'zod';
import { PeerLogEntrySchema, RequestStatusSchema } from '../../storage/peer-state-repository';
import { route } from '../contract';
import { idParam, ListQuery, pageOf, queryBoolean, singleLine, Timestamp } from '../schemas';

export const PeerParams = z.object({ public_id: idParam });
export const OnePeerParams = z.object({ public_id: idParam, participant_id: idParam });

const textFilter = singleLine(200).min(1).optional();
const exactFilter = singleLine(64).optional();
const countFilter = z.coerce.number().int().min(0).max(100_000_000).optional();
const dateFilter = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .optional()
  .meta({ description: 'a date (2024-01-31) or an ISO-8601 date-time' });

/**
 * getPeers filters. Text fields match a case-insensitive substring, enumerations match exactly,
 * PeeringDB dates are ranges (`created_after`...) instead of the seed's exact `date_created`.
 * Unknown parameters are refused so that a misspelt filter never silently widens the list.
 */
export const PeerFiltersSchema = z.object({
  id: idParam.optional(),
  asn: z.coerce.number().int().min(1).max(4_294_967_295).optional(),
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
  info_unicast: queryBoolean.optional(),
  info_multicast: queryBoolean.optional(),
  info_ipv6: queryBoolean.optional(),
  policy_ratio: queryBoolean.optional(),
  created_after: dateFilter,
  created_before: dateFilter,
  updated_after: dateFilter,
  updated_before: dateFilter,
  qualified: queryBoolean.optional(),
  is_peer: queryBoolean.optional(),
  request_status: RequestStatusSchema.optional(),
});
export type PeerFilters = z.infer<typeof PeerFiltersSchema>;

export const PeerListQuery = ListQuery.extend({
  ...PeerFiltersSchema.shape,
  include_public_ips: queryBoolean.optional(),
  include_contacts: queryBoolean.optional(),
  include_log_data: queryBoolean.optional(),
  /** Peers hidden until a later date are left out unless asked for. */
  include_hidden: queryBoolean.optional(),
}).strict();
export type PeerListQueryInput = z.infer<typeof PeerListQuery>;

export const PublicIpSchema = z
  .object({
    ipaddr4: z.string().nullable(),
    ipaddr6: z.string().nullable(),
    speed: z.number().int(),
    is_rs_peer: z.boolean(),
    operational: z.boolean(),
  })
  .meta({ id: 'PeerPublicIp' });

export const PeerContactSchema = z
  .object({
    id: z.number().int(),
    role: z.string(),
    name: z.string(),
    email: z.string(),
    phone: z.string(),
    url: z.string(),
    preferred: z.boolean(),
  })
  .meta({ id: 'PeerContact' });

export const QualificationOverrideView = z
  .object({ qualified: z.boolean(), reason: z.string(), user: z.string().nullable(), time: Timestamp })
  .meta({ id: 'QualificationOverride' });

export const PeerSchema = z
  .object({
    id: z.number().int().meta({ description: 'participant_id: the PeeringDB net id' }),
    public_id: z.number().int().meta({ description: 'the PeeringDB ix id' }),
    asn: z.number().int(),
    name: z.string(),
    aka: z.string(),
    name_long: z.string(),
    website: z.string(),
    irr_as_set: z.string(),
    info_traffic: z.string(),
    info_ratio: z.string(),
    info_scope: z.string(),
    info_type: z.string(),
    info_prefixes: z
      .object({ v4: z.number().int().nullable(), v6: z.number().int().nullable() })
      .meta({ description: 'PeeringDB info_prefixes4 and info_prefixes6' }),
    info_unicast: z.boolean(),
    info_multicast: z.boolean(),
    info_ipv6: z.boolean(),
    looking_glass: z.string(),
    route_server: z.string(),
    notes_public: z.string(),
    policy_url: z.string(),
    policy_general: z.string(),
    policy_locations: z.string(),
    policy_ratio: z.boolean(),
    policy_contracts: z.string(),
    created: z.string().meta({ description: 'PeeringDB record created' }),
    updated: z.string().meta({ description: 'PeeringDB record last updated' }),
    qualified: z.boolean(),
    qualification_reasons: z.array(z.string()),
    qualification_override: QualificationOverrideView.nullable(),
    is_peer: z.boolean(),
    request_status: RequestStatusSchema,
    notes_private: z.string().nullable(),
    preferred_contact_id: z.number().int().nullable(),
    hidden_until: Timestamp.nullable(),
    public_ips: z.array(PublicIpSchema).optional().meta({ description: 'with include_public_ips' }),
    contacts: z
      .array(PeerContactSchema)
      .optional()
      .meta({ description: 'with include_contacts; preferred first, then Policy, Technical, NOC' }),
    log_data: z
      .array(PeerLogEntrySchema)
      .optional()
      .meta({ description: 'with include_log_data; newest first' }),
  })
  .meta({ id: 'Peer' });
export type Peer = z.infer<typeof PeerSchema>;

export const CommunicationSchema = z
  .object({
    id: z.number().int(),
    public_id: z.number().int(),
    asn: z.number().int(),
    name: z.string(),
    request_status: RequestStatusSchema,
    qualified: z.boolean(),
    qualification_reasons: z.array(z.string()),
    is_peer: z.boolean(),
    log_data: z.array(PeerLogEntrySchema),
  })
  .meta({ id: 'Communication' });

/** Free text that may span lines, but carries no other control characters. */
const notes = z
  .string()
  .max(4000)
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), {
    message: 'must not contain control characters other than line breaks and tabs',
  });

export const UpdatePeerBody = z
  .object({
    notes_private: notes.nullable().optional(),
    qualification_override: z
      .object({ qualified: z.boolean(), reason: singleLine(500).min(1) })
      .strict()
      .nullable()
      .optional()
      .meta({ description: 'wins over the rules; null removes it' }),
    preferred_contact_id: idParam
      .nullable()
      .optional()
      .meta({ description: "one of the peer's PeeringDB contacts" }),
    hidden_until: z.iso
      .datetime({ offset: true })
      .nullable()
      .optional()
      .meta({ description: 'left out of getPeers until then; null shows it again' }),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'name at least one field to change',
  });
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
  access: { table: 'read' },
  errors: [404],
});

export const getPeerRoute = route({
  operationId: 'getPeer',
  method: 'GET',
  path: '/exchanges/{public_id}/peers/{participant_id}',
  role: 'viewer',
  tag: 'peers',
  summary: 'One peer at an exchange, with its IPs, contacts and log',
  params: OnePeerParams,
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
  query: ListQuery.strict(),
  response: pageOf(CommunicationSchema),
  handler: 'functions/http/peers/list-communications.ts',
  access: { table: 'read' },
  errors: [404],
});

export const peersRoutes = [
  listPeersRoute,
  getPeerRoute,
  updatePeerRoute,
  resetPeerStatusRoute,
  listCommunicationsRoute,
];
