import * as z from '../platform/zod';
import { MAX_PREFIX_LIMIT, PASSWORD_PATTERN } from '../config-render';
import { PlatformSchema, Asn, Hostname, IpAddress, RenderedConfigSchema } from '../routers';
import { StoredSessionSchema } from './sessions-store';
import { IpTypeSchema, PolledStateSchema, SessionStateSchema } from '../kernel';
import { route } from '../platform/http/contract';
import {
  cursorQuery,
  idParam,
  limitQuery,
  multiLine,
  pageOf,
  queryBoolean,
  singleLine,
  ItemNumber,
  Timestamp,
} from '../platform/http/schemas';

/**
 * BGP sessions: the seed's getSessions/addSession/updateSession/deleteSession/configureSession.
 * Numbers are numbers, ids are strings, and the seed's `password` is `password_set` (true/false):
 * the password itself is write-only, readable once by an admin through the reveal route.
 */
export const SessionSchema = z
  .extend(z.omit(StoredSessionSchema, { password_ciphertext: true, drops: true, prefix_limit_near: true }), {
    number: ItemNumber,
    version: z.int().check(z.meta({ description: 'Bumped by every change; send it back to update' })),
    resource_id: z.string().check(z.meta({ description: 'The router' })),
    password_set: z.boolean(),
    bgp_state: z.nullable(PolledStateSchema).check(
      z.meta({
        description:
          "The BGP state the router reported at the last poll (`unknown`: the poll failed, see `poll_reason`); null before the first poll or when the router has no such neighbor. `state` stays peerflow's lifecycle of the session",
      }),
    ),
    prfx_accepted: z.nullable(z.int()),
    state_since: z.nullable(Timestamp),
    poll_reason: z.nullable(z.string()),
    last_polled: z
      .nullable(Timestamp)
      .check(z.meta({ description: "The router's last poll that read this session's state" })),
    flaps_24h: z
      .int()
      .check(z.meta({ description: 'Times the session left established in the last 24 hours' })),
    abandoned: z.boolean().check(
      z.meta({
        description: 'Not established, and its peer IP is no longer at its exchange in PeeringDB',
      }),
    ),
    created: Timestamp,
    modified: Timestamp,
  })
  .check(z.meta({ id: 'Session' }));

export const SessionIdParam = z.object({ id: z.uuid() });

const PrefixLimit = z.int().check(z.gte(1), z.lte(MAX_PREFIX_LIMIT));
const Password = z.string().check(
  z.regex(PASSWORD_PATTERN, {
    message: '1 to 80 characters: letters, digits and . _ ~ + = @ : , / - (starting with a letter or digit)',
  }),
  z.meta({ description: 'MD5 password; write-only', writeOnly: true }),
);

/** The writable fields; `resource_id` and `peer_ipaddr` are required on add only. */
const writable = {
  resource_id: z.uuid(),
  peer_ipaddr: IpAddress,
  ip_type: z.optional(IpTypeSchema),
  peer_asn: z.optional(Asn),
  peer_name: z.optional(singleLine(200).check(z.minLength(1))),
  peer_participant_id: z.optional(idParam),
  peer_hostname: z.optional(z.nullable(Hostname)),
  peer_group: z.optional(z.nullable(singleLine(64).check(z.minLength(1)))),
  public_id: z.optional(idParam),
  source_asn: z.optional(Asn),
  source_ipaddr: z.optional(z.nullable(IpAddress)),
  multihop: z.optional(
    z.nullable(
      z.int().check(
        z.gte(1),
        z.lte(255),
        z.meta({
          description:
            'TTL of a multihop eBGP session; a session whose peer is in no exchange prefix needs it or source_ipaddr',
        }),
      ),
    ),
  ),
  type: z.optional(singleLine(32).check(z.minLength(1))),
  state: z.optional(SessionStateSchema),
  prfx_max: z.optional(z.nullable(PrefixLimit)),
  prfx_received: z.optional(z.nullable(z.int().check(z.gte(0)))),
  password: z.optional(z.nullable(Password)),
  note: z.optional(z.nullable(multiLine(2000))),
};

const TimestampPrefix = z.string().check(
  z.regex(/^\d{4}(-\d{2}(-\d{2}([T ][0-9:.]{1,12}Z?)?)?)?$/, {
    message: 'a date or its start: 2026, 2026-11, 2026-11-22',
  }),
);

/** The seed's filters, shared by getSessions and deleteSession. */
export const filters = {
  id: z.optional(z.uuid()),
  public_id: z.optional(idParam),
  source_asn: z.optional(z.pipe(z.coerce.number(), Asn)),
  source_ipaddr: z.optional(IpAddress),
  resource_id: z.optional(z.uuid()),
  peer_asn: z.optional(z.pipe(z.coerce.number(), Asn)),
  peer_name: z
    .optional(z.string().check(z.minLength(1), z.maxLength(200)))
    .check(z.meta({ description: 'Substring, case-sensitive' })),
  peer_participant_id: z.optional(idParam),
  peer_ipaddr: z.optional(IpAddress),
  peer_hostname: z
    .optional(z.string().check(z.minLength(1), z.maxLength(253)))
    .check(z.meta({ description: 'Substring' })),
  peer_group: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  password_set: z.optional(queryBoolean),
  type: z.optional(z.string().check(z.minLength(1), z.maxLength(32))),
  state: z.optional(SessionStateSchema),
  bgp_state: z
    .optional(PolledStateSchema)
    .check(z.meta({ description: 'The BGP state the router reported at the last poll' })),
  abandoned: z.optional(queryBoolean),
  prfx_max: z.optional(z.coerce.number().check(z.integer(), z.gte(0))),
  prfx_received: z.optional(z.coerce.number().check(z.integer(), z.gte(0))),
  ip_type: z.optional(IpTypeSchema),
  note: z
    .optional(z.string().check(z.minLength(1), z.maxLength(200)))
    .check(z.meta({ description: 'Substring' })),
  created: z.optional(TimestampPrefix),
  modified: z.optional(TimestampPrefix),
};

export const SessionFilterKeys = Object.keys(filters) as (keyof typeof filters)[];

/** What removes sessions from one router, in its platform's terms. */
export const SessionRemovalSchema = z
  .object({
    router_id: z.string(),
    hostname: z.string(),
    platform: PlatformSchema,
    session_ids: z.array(z.string()),
    kind: z.enum(['commands', 'config']).check(
      z.meta({
        description:
          "`commands`: the lines to paste in the router's configuration mode; `config`: the platform's config is a file, and this is the router's whole peerflow-managed config without the sessions",
      }),
    ),
    note: z.string(),
    config: z
      .nullable(z.string())
      .check(
        z.meta({ description: 'Passwords are placeholders; null when it cannot be rendered (see `note`)' }),
      ),
    sha256: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'SessionRemoval' }));

export const RevisionSummary = z.object({
  id: z.string(),
  session_id: z.string(),
  router_id: z.string(),
  platform: z.string(),
  source: z.enum(['rendered', 'custom', 'removal']),
  sha256: z.string(),
  created: Timestamp,
  created_by: z.string(),
});

export const listSessionsRoute = route({
  operationId: 'getSessions',
  method: 'GET',
  path: '/sessions',
  role: 'viewer',
  tag: 'sessions',
  summary: 'List BGP sessions, filtered by any of the seed fields',
  query: z.object({ ...filters, limit: limitQuery, cursor: cursorQuery }),
  response: pageOf(SessionSchema),
  handler: 'functions/http/sessions/list-sessions.ts',
  access: { table: 'read', cursorKey: true },
});

export const addSessionRoute = route({
  operationId: 'addSession',
  method: 'POST',
  path: '/sessions',
  role: 'operator',
  tag: 'sessions',
  summary: 'Add a BGP session; the peer is filled from PeeringDB by its IP',
  body: z.strictObject(writable),
  response: SessionSchema,
  successStatus: 201,
  handler: 'functions/http/sessions/add-session.ts',
  idempotent: true,
  access: { table: 'read-write', secrets: true },
  errors: [409],
});

export const getSessionRoute = route({
  operationId: 'getSession',
  method: 'GET',
  path: '/sessions/{id}',
  role: 'viewer',
  tag: 'sessions',
  summary: 'One session (its ETag is its version)',
  params: SessionIdParam,
  response: SessionSchema,
  handler: 'functions/http/sessions/get-session.ts',
  access: { table: 'read' },
  errors: [404],
});

export const updateSessionRoute = route({
  operationId: 'updateSession',
  method: 'PATCH',
  path: '/sessions/{id}',
  role: 'operator',
  tag: 'sessions',
  summary: 'Change a session; `version` or If-Match makes a stale change fail with 409',
  params: SessionIdParam,
  body: z
    .strictObject({
      ...writable,
      resource_id: z.optional(writable.resource_id),
      peer_ipaddr: z.optional(writable.peer_ipaddr),
      version: z.optional(z.int().check(z.gte(1))),
    })
    .check(
      z.refine((b) => Object.keys(b).some((k) => k !== 'version'), {
        message: 'name at least one field to change',
      }),
    ),
  response: SessionSchema,
  handler: 'functions/http/sessions/update-session.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404, 409],
});

export const renderSessionConfigRoute = route({
  operationId: 'renderSessionConfig',
  method: 'GET',
  path: '/sessions/{id}/config',
  role: 'viewer',
  tag: 'sessions',
  summary: "Render the session's BGP configuration (its router's platform unless `platform` says)",
  params: SessionIdParam,
  query: z.object({ platform: z.optional(PlatformSchema) }),
  response: RenderedConfigSchema,
  handler: 'functions/http/sessions/render-session-config.ts',
  access: { table: 'read', secrets: true },
  errors: [404],
});

export const listConfigRevisionsRoute = route({
  operationId: 'listConfigRevisions',
  method: 'GET',
  path: '/sessions/{id}/config/revisions',
  role: 'viewer',
  tag: 'sessions',
  summary:
    'The configs delivered for a session, newest first, its removal last; they stay readable after the session is deleted',
  params: SessionIdParam,
  response: z.object({ data: z.array(z.extend(RevisionSummary, { text: z.string() })) }),
  handler: 'functions/http/sessions/list-config-revisions.ts',
  access: { table: 'read' },
  errors: [404],
});

export const diffConfigRevisionsRoute = route({
  operationId: 'diffConfigRevisions',
  method: 'GET',
  path: '/routers/{id}/config/revisions/{a}/diff/{b}',
  role: 'viewer',
  tag: 'sessions',
  summary:
    "A unified diff from revision `a` to revision `b` of the router's configs (of any of its sessions, deleted ones too); 422 when one is another router's",
  params: z.object({ id: z.uuid(), a: z.uuid(), b: z.uuid() }),
  response: z
    .object({
      router_id: z.string(),
      from: RevisionSummary,
      to: RevisionSummary,
      diff: z.string().check(
        z.meta({
          description:
            'Unified diff (`---`/`+++`, `@@` hunks, 3 lines of context); empty when the texts are equal',
        }),
      ),
    })
    .check(z.meta({ id: 'ConfigRevisionDiff' })),
  handler: 'functions/http/sessions/diff-config-revisions.ts',
  access: { table: 'read' },
  errors: [404],
});

export const revealSessionPasswordRoute = route({
  operationId: 'revealSessionPassword',
  method: 'POST',
  path: '/sessions/{id}/password/reveal',
  role: 'admin',
  tag: 'sessions',
  summary: "Read a session's MD5 password in clear (admin; audited)",
  params: SessionIdParam,
  response: z
    .object({ id: z.string(), password: z.nullable(z.string()) })
    .check(z.meta({ id: 'RevealedPassword' })),
  handler: 'functions/http/sessions/reveal-session-password.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404],
});

export const sessionsRoutes = [
  listSessionsRoute,
  addSessionRoute,
  getSessionRoute,
  updateSessionRoute,
  renderSessionConfigRoute,
  listConfigRevisionsRoute,
  diffConfigRevisionsRoute,
  revealSessionPasswordRoute,
];
