import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  type V1_ACTIONS,
  invokeV2,
  type V2Call,
  V1ParamError,
  type V1Params,
  v1Bool,
  v1Communication,
  v1Peer,
  v1Request,
  v1Session,
  v1SessionLabel,
  uuidOfV1Id,
  v1Id,
} from '../../shared/v1';
import type { RouteHandler } from '../../shared/platform/http/define-action';

/**
 * The v2 handlers, each loaded on its first call. The deployed gateway is bundled with code
 * splitting (see `infra/constructs/bundling.ts`): a cold start evaluates the gateway and what every
 * action shares, and an action's own code (the session renderers, the KMS or SES client...) only
 * when a v1 client first asks for it.
 */
type LazyRoute = () => Promise<RouteHandler>;

function lazy(load: () => Promise<{ handler: RouteHandler }>): LazyRoute {
  let loaded: Promise<RouteHandler> | undefined;
  return () => {
    loaded ??= load().then(
      (m) => m.handler,
      (err: unknown) => {
        // Tried again on the next call: that helps when the chunk could not be read; a module that
        // threw while evaluating keeps failing (Node keeps its error), and the action answers 500.
        loaded = undefined;
        throw err;
      },
    );
    return loaded;
  };
}

const sendEmail = lazy(() => import('../http/emails/send-email'));
const getPeer = lazy(() => import('../http/peers/get-peer'));
const listCommunications = lazy(() => import('../http/peers/list-communications'));
const listPeers = lazy(() => import('../http/peers/list-peers'));
const resetPeerStatus = lazy(() => import('../http/peers/reset-peer-status'));
const updatePeer = lazy(() => import('../http/peers/update-peer'));
const listRequests = lazy(() => import('../http/requests/list-requests'));
const sendRequest = lazy(() => import('../http/requests/send-request'));
const addSession = lazy(() => import('../http/sessions/add-session'));
const configureSession = lazy(() => import('../http/sessions/configure-session'));
const deleteSessions = lazy(() => import('../http/sessions/delete-sessions'));
const listSessions = lazy(() => import('../http/sessions/list-sessions'));
const updateSession = lazy(() => import('../http/sessions/update-session'));
const listRouters = lazy(() => import('../http/routers/list-routers'));

/** An answer in the seed's envelope; `status` is the HTTP status (4xx with success 0). */
export interface V1Outcome {
  status: number;
  success: 0 | 1;
  message: string;
  data?: unknown;
}

/** A refusal, in the seed's words where it has them. */
export class V1Failure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Ctx {
  event: APIGatewayProxyEventV2;
  context: Context;
}

type Action = (p: V1Params, ctx: Ctx) => Promise<V1Outcome>;

function required(p: V1Params, name: string): string {
  const v = p[name];
  if (v === undefined || v === '') throw new V1Failure(422, `Missing required parameter: ${name}`);
  return v;
}

function integer(p: V1Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d+$/.test(v.trim())) throw new V1Failure(422, `Parameter ${name} must be an integer`);
  return Number(v.trim());
}

function requiredInteger(p: V1Params, name: string): number {
  required(p, name);
  return integer(p, name)!;
}

function text(p: V1Params, name: string): string | undefined {
  const v = p[name];
  return v === undefined || v === '' ? undefined : v;
}

function bool(p: V1Params, name: string): boolean | undefined {
  try {
    return v1Bool(p[name]);
  } catch (err) {
    throw new V1Failure(422, `Parameter ${name}: ${(err as Error).message}`);
  }
}

/** Drops undefined values so that v2's strict schemas see only what the client sent. */
function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface V2Error {
  error?: { message?: string; details?: { path: string; message: string }[] };
}

async function v2<T>(route: LazyRoute, call: V2Call, ctx: Ctx): Promise<T> {
  const answer = await invokeV2<T & V2Error>(await route(), call, ctx.event, ctx.context);
  if (answer.status >= 400) {
    const err = (answer.json as V2Error | null)?.error;
    const headline = err?.message ?? 'Request failed';
    // A detail that only repeats the headline adds nothing but its field's name.
    const details = (err?.details ?? [])
      .filter((d) => d.message !== headline)
      .map((d) => `${d.path.replace(/^(body|query|params)\./, '')}: ${d.message}`);
    const message = [headline, ...details].join('; ');
    throw new V1Failure(answer.status, message);
  }
  return answer.json as T;
}

/** v1 has no pagination: the gateway walks every page of the v2 list. */
async function everyPage<T>(
  route: LazyRoute,
  call: V2Call & { query?: Record<string, string | number | boolean | undefined> },
  ctx: Ctx,
): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await v2<{ data: T[]; next_cursor: string | null }>(
      route,
      { ...call, query: { ...call.query, limit: 1000, cursor } },
      ctx,
    );
    rows.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return rows;
}

function found(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many} found.`;
}

/** A seed date (2013-03-21 or 2013-03-21 15:36:42) as a v2 range covering that day or second. */
function dateRange(p: V1Params, name: string): { after?: string; before?: string } {
  const v = text(p, name);
  if (!v) return {};
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$/.exec(v.trim());
  if (!m) throw new V1Failure(422, `Parameter ${name} must be a date (YYYY-MM-DD[ HH:MM:SS])`);
  if (!m[2]) return { after: m[1], before: `${m[1]}T23:59:59Z` };
  return { after: `${m[1]}T${m[2]}Z`, before: `${m[1]}T${m[2]}Z` };
}

function peerQuery(p: V1Params) {
  const created = dateRange(p, 'date_created');
  const updated = dateRange(p, 'date_lastupdated');
  const charFlag = (name: string) => {
    const v = p[name];
    return v === undefined ? undefined : bool({ [name]: v === '' ? 'false' : v }, name);
  };
  const ratio = text(p, 'policy_ratio');
  return defined({
    id: integer(p, 'id'),
    asn: integer(p, 'asn'),
    name: text(p, 'name'),
    aka: text(p, 'aka'),
    website: text(p, 'website'),
    notes_public: text(p, 'notes_public'),
    notes_private: text(p, 'notes_private'),
    irr_as_set: text(p, 'irr_as_set'),
    info_traffic: text(p, 'info_traffic'),
    info_ratio: text(p, 'info_ratio'),
    info_scope: text(p, 'info_scope'),
    info_type: text(p, 'info_type'),
    info_prefixes4: integer(p, 'info_prefixes'),
    looking_glass: text(p, 'info_lookingglass'),
    route_server: text(p, 'info_routeserver'),
    info_unicast: charFlag('info_unicast'),
    info_multicast: charFlag('info_multicast'),
    info_ipv6: charFlag('info_ipv6'),
    policy_url: text(p, 'policy_url'),
    policy_general: text(p, 'policy_general'),
    policy_locations: text(p, 'policy_locations'),
    policy_ratio: ratio === undefined ? undefined : /^(yes|1|true)$/i.test(ratio),
    policy_contracts: text(p, 'policy_contracts'),
    created_after: created.after,
    created_before: created.before,
    updated_after: updated.after,
    updated_before: updated.before,
    qualified: bool(p, 'qualified'),
    is_peer: bool(p, 'is_peer'),
    is_route_server: bool(p, 'is_route_server'),
    request_status: text(p, 'request_status'),
    include_public_ips: bool(p, 'include_public_ips'),
    include_contacts: bool(p, 'include_contacts'),
    include_log_data: bool(p, 'include_log_data'),
  });
}

function sessionFilters(p: V1Params) {
  const password = text(p, 'password');
  return defined({
    id: text(p, 'id'),
    public_id: integer(p, 'public_id'),
    source_asn: integer(p, 'source_asn'),
    source_ipaddr: text(p, 'source_ipaddr'),
    resource_id: text(p, 'resource_id'),
    peer_asn: integer(p, 'peer_asn'),
    peer_name: text(p, 'peer_name'),
    peer_participant_id: integer(p, 'peer_participant_id'),
    peer_ipaddr: text(p, 'peer_ipaddr'),
    peer_hostname: text(p, 'peer_hostname'),
    peer_group: text(p, 'peer_group'),
    password_set: password === undefined ? undefined : password !== '0',
    type: text(p, 'type'),
    state: text(p, 'state'),
    bgp_state: text(p, 'bgp_state'),
    prfx_max: integer(p, 'prfx_max'),
    prfx_received: integer(p, 'prfx_received'),
    ip_type: text(p, 'ip_type'),
    note: text(p, 'note'),
    created: text(p, 'created'),
    modified: text(p, 'modified'),
  });
}

/**
 * The session filters with their ids as UUIDs: `id` and `resource_id` may be numbers (the seed's
 * ids). Null when a number names no session or router: nothing can match.
 */
async function resolvedSessionFilters(p: V1Params) {
  const filters = sessionFilters(p);
  const id = filters.id !== undefined ? await uuidOfV1Id('session', filters.id) : undefined;
  const resourceId =
    filters.resource_id !== undefined ? await uuidOfV1Id('router', filters.resource_id) : undefined;
  if ((filters.id !== undefined && !id) || (filters.resource_id !== undefined && !resourceId)) return null;
  return defined({ ...filters, id, resource_id: resourceId });
}

/** A session id parameter as the session's UUID; 404 for a number no session holds. */
async function sessionUuid(p: V1Params, name: string): Promise<string> {
  const given = required(p, name);
  const id = await uuidOfV1Id('session', given);
  if (!id) throw new V1Failure(404, `No session ${given}`);
  return id;
}

/** The session fields with `resource_id` as the router's UUID; 422 for a number no router holds. */
async function resolvedSessionFields(p: V1Params) {
  const fields = sessionFields(p);
  if (fields.resource_id === undefined) return fields;
  const routerId = await uuidOfV1Id('router', fields.resource_id);
  if (!routerId) throw new V1Failure(422, `No router ${fields.resource_id}; resource_id: no such router`);
  return { ...fields, resource_id: routerId };
}

/** The v1 id (number) of each router, by UUID: sessions answer their router's as `resource_id`. */
async function routerIds(ctx: Ctx): Promise<Map<string, string>> {
  const routers = await everyPage<{ id: string; number: number | null }>(listRouters, {}, ctx);
  return new Map(routers.map((r) => [r.id, v1Id(r)]));
}

/** Session rows in the seed's shape, each with its router's v1 id. */
async function v1Sessions(sessions: V2Session[], ctx: Ctx) {
  const ids = sessions.length > 0 ? await routerIds(ctx) : new Map<string, string>();
  return sessions.map((s) => v1Session(s, ids.get(s.resource_id)));
}

function sessionFields(p: V1Params) {
  const password = p.password;
  return defined({
    resource_id: text(p, 'resource_id'),
    peer_ipaddr: text(p, 'peer_ipaddr'),
    ip_type: text(p, 'ip_type'),
    peer_asn: integer(p, 'peer_asn'),
    peer_name: text(p, 'peer_name'),
    peer_participant_id: integer(p, 'peer_participant_id'),
    peer_hostname: text(p, 'peer_hostname'),
    peer_group: text(p, 'peer_group'),
    public_id: integer(p, 'public_id'),
    source_asn: integer(p, 'source_asn'),
    source_ipaddr: text(p, 'source_ipaddr'),
    type: text(p, 'type'),
    state: text(p, 'state'),
    prfx_max: integer(p, 'prfx_max'),
    // The seed reads back "0" for no password: sending "0" (or nothing) sets none.
    password: password === undefined ? undefined : password === '' || password === '0' ? null : password,
    note: text(p, 'note'),
  });
}

type V2Session = Parameters<typeof v1Session>[0];
type V2Peer = Parameters<typeof v1Peer>[0];
interface V2Removal {
  router_id: string;
  session_ids: string[];
}

export const actions: Record<(typeof V1_ACTIONS)[number], Action> = {
  async getCommunications(p, ctx) {
    const publicId = requiredInteger(p, 'public_id');
    const rows = await everyPage<Parameters<typeof v1Communication>[0]>(
      listCommunications,
      { params: { public_id: publicId } },
      ctx,
    );
    return {
      status: 200,
      success: 1,
      message: rows.length ? found(rows.length, 'record', 'records') : 'No records found.',
      data: rows.map(v1Communication),
    };
  },

  async getPeers(p, ctx) {
    const publicId = requiredInteger(p, 'public_id');
    const rows = await everyPage<V2Peer>(
      listPeers,
      { params: { public_id: publicId }, query: peerQuery(p) },
      ctx,
    );
    if (rows.length === 0) return { status: 200, success: 1, message: 'No peers found.', data: [] };
    return {
      status: 200,
      success: 1,
      message: found(rows.length, 'peer', 'peers'),
      data: rows.map((r) => v1Peer(r)),
    };
  },

  async getRequests(p, ctx) {
    const rows = await everyPage<Parameters<typeof v1Request>[0]>(
      listRequests,
      {
        query: defined({
          peer_participant_id: integer(p, 'peer_participant_id'),
          public_id: integer(p, 'public_id'),
          status: text(p, 'status'),
        }),
      },
      ctx,
    );
    if (rows.length === 0) return { status: 200, success: 1, message: 'No request found.', data: [] };
    return {
      status: 200,
      success: 1,
      message: found(rows.length, 'request', 'requests'),
      data: rows.map(v1Request),
    };
  },

  async getSessions(p, ctx) {
    const filters = await resolvedSessionFilters(p);
    const rows = filters ? await everyPage<V2Session>(listSessions, { query: filters }, ctx) : [];
    if (rows.length === 0) return { status: 200, success: 1, message: 'No sessions found.', data: [] };
    return {
      status: 200,
      success: 1,
      message: `${rows.length} sessions found.`,
      data: await v1Sessions(rows, ctx),
    };
  },

  async addSession(p, ctx) {
    const session = await v2<V2Session>(addSession, { body: await resolvedSessionFields(p) }, ctx);
    const [row] = await v1Sessions([session], ctx);
    return {
      status: 201,
      success: 1,
      message: `Session added: ${v1SessionLabel(session)}`,
      data: row,
    };
  },

  async updateSession(p, ctx) {
    const id = await sessionUuid(p, 'id');
    const session = await v2<V2Session>(
      updateSession,
      { params: { id }, body: await resolvedSessionFields(p) },
      ctx,
    );
    const [row] = await v1Sessions([session], ctx);
    return {
      status: 200,
      success: 1,
      message: `Session updated: ${v1SessionLabel(session)}`,
      data: row,
    };
  },

  async deleteSession(p, ctx) {
    const filters = await resolvedSessionFilters(p);
    if (!filters) throw new V1Failure(404, 'No sessions found to delete.');
    // The v1 ids of what goes, read before it goes: the removals name sessions and routers as v1 does.
    const [doomed, routers] = await Promise.all([
      everyPage<V2Session>(listSessions, { query: filters }, ctx),
      routerIds(ctx),
    ]);
    const sessionIds = new Map(doomed.map((s) => [s.id, v1Id(s)]));
    const out = await v2<{ deleted: number; removals: V2Removal[] }>(deleteSessions, { query: filters }, ctx);
    if (out.deleted === 0) throw new V1Failure(404, 'No sessions found to delete.');
    // What removes them from their routers, one entry per router (the v2 answer's `removals`).
    const data = out.removals.map((r) => ({
      ...r,
      router_id: routers.get(r.router_id) ?? r.router_id,
      session_ids: r.session_ids.map((id) => sessionIds.get(id) ?? id),
    }));
    return { status: 200, success: 1, message: `${out.deleted} sessions deleted.`, data };
  },

  async configureSession(p, ctx) {
    const id = await sessionUuid(p, 'session_id');
    const config = text(p, 'config');
    const out = await v2<{
      session: V2Session;
      config: string;
      delivery: string;
      delivered: boolean;
      deployment: { id: string; status: string; reason: string | null } | null;
    }>(configureSession, { params: { id }, ...(config !== undefined ? { body: { config } } : {}) }, ctx);
    const [row] = await v1Sessions([out.session], ctx);
    const d = out.deployment;
    // The seed's message when a router took the config; otherwise what happened instead.
    const message = out.delivered
      ? `Session configured: ${v1SessionLabel(out.session)}`
      : d === null
        ? `Session config rendered, not delivered (the router has no management connection): ${v1SessionLabel(out.session)}`
        : `Session not configured, deployment ${d.status}${d.reason ? `: ${d.reason}` : ''}: ${v1SessionLabel(out.session)}`;
    return {
      status: 200,
      success: d === null || out.delivered ? 1 : 0,
      message,
      data: {
        ...row,
        config: out.config,
        delivery: out.delivery,
        ...(d ? { deployment_id: d.id, deployment_status: d.status } : {}),
      },
    };
  },

  async resetPeerStatus(p, ctx) {
    const params = {
      public_id: requiredInteger(p, 'public_id'),
      participant_id: requiredInteger(p, 'participant_id'),
    };
    const peer = await v2<V2Peer>(resetPeerStatus, { params }, ctx).catch(notFoundAsSeed);
    return {
      status: 200,
      success: 1,
      message: `${peer.name} status reset`,
      data: v1Peer(peer),
    };
  },

  async sendRequest(p, ctx) {
    const publicId = integer(p, 'public_id');
    const peerId = requiredInteger(p, 'peer_participant_id');
    const request = await v2<{
      status: string;
      error: string | null;
      public_ids: number[];
      qualification: unknown;
      recipient_role: string;
      recipient_note: string | null;
    }>(
      sendRequest,
      {
        body: defined({
          peer_participant_id: peerId,
          public_ids: publicId !== undefined ? [publicId] : undefined,
          email_to: text(p, 'email_to'),
          subject: text(p, 'subject'),
          body: text(p, 'body'),
          force: bool(p, 'force'),
        }),
      },
      ctx,
    );
    if (request.status === 'failed')
      throw new V1Failure(502, `Request not sent: ${request.error ?? 'the mail service refused it'}`);
    const sent = await peerAfterSend(publicId ?? request.public_ids[0]!, peerId, 'Request sent', ctx);
    // The peer as the seed answers it, with the verdict the request went out under and who it went to.
    const { qualification, recipient_role, recipient_note } = request;
    return { ...sent, data: { ...(sent.data as object), qualification, recipient_role, recipient_note } };
  },

  async sendEmail(p, ctx) {
    const publicId = requiredInteger(p, 'public_id');
    const peerId = requiredInteger(p, 'participant_id');
    const to = text(p, 'email_to');
    await v2(
      sendEmail,
      {
        body: defined({
          peer_participant_id: peerId,
          public_ids: [publicId],
          to: to ? to.split(/[,;]\s*/).filter(Boolean) : undefined,
          subject: required(p, 'subject'),
          text: required(p, 'body'),
        }),
      },
      ctx,
    );
    return peerAfterSend(publicId, peerId, 'Email sent', ctx);
  },

  async updatePeer(p, ctx) {
    const params = {
      public_id: requiredInteger(p, 'public_id'),
      participant_id: requiredInteger(p, 'participant_id'),
    };
    const qualified = bool(p, 'qualified');
    const reason = text(p, 'qualified_reason') ?? text(p, 'reason');
    const body = defined({
      notes_private:
        p.notes_private === undefined ? undefined : p.notes_private === '' ? null : p.notes_private,
      preferred_contact_id: integer(p, 'preferred_contact_id'),
      hidden_until: text(p, 'hidden_until'),
      qualification_override:
        qualified === undefined ? undefined : { qualified, reason: reason ?? 'Set through the v1 API' },
    });
    const peer = await v2<V2Peer>(updatePeer, { params, body }, ctx).catch(notFoundAsSeed);
    return { status: 200, success: 1, message: `${peer.name} updated`, data: v1Peer(peer) };
  },
};

/** The seed answers a send with the peer as it stands after it, not with the request or the email. */
async function peerAfterSend(
  publicId: number,
  peerId: number,
  message: string,
  ctx: Ctx,
): Promise<V1Outcome> {
  const peer = await v2<V2Peer>(getPeer, { params: { public_id: publicId, participant_id: peerId } }, ctx);
  return { status: 201, success: 1, message, data: v1Peer(peer) };
}

function notFoundAsSeed(err: unknown): never {
  if (err instanceof V1Failure && err.status === 404)
    throw new V1Failure(404, 'Could not find peer matching parameters');
  throw err;
}

export { V1ParamError };
