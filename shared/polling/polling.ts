import { NotFoundError, ValidationError } from '../platform/errors';
import { canonicalIp } from '../kernel';
import { getRouter } from '../routers';
import {
  addSession,
  getStoredSession,
  type PublicSession,
  type Actor,
  sessionsRepository,
  type StoredSession,
  toPublicSession,
} from '../sessions';
import { pollRepository, type RouterPoll, type UnmanagedNeighbor } from './poll-store';

/** What the API shows of a router's polling. */
export interface RouterPollStatus {
  router_id: string;
  last_polled: string | null;
  last_success: string | null;
  error_count: number;
  errors_total: number;
  last_error: string | null;
  unmanaged_count: number;
  polling_now: boolean;
}

const NEVER: Omit<RouterPollStatus, 'router_id'> = {
  last_polled: null,
  last_success: null,
  error_count: 0,
  errors_total: 0,
  last_error: null,
  unmanaged_count: 0,
  polling_now: false,
};

function toStatus(routerId: string, p: RouterPoll | undefined): RouterPollStatus {
  if (!p) return { router_id: routerId, ...NEVER };
  return {
    router_id: routerId,
    last_polled: p.last_polled,
    last_success: p.last_success,
    error_count: p.error_count,
    errors_total: p.errors_total,
    last_error: p.last_error,
    unmanaged_count: p.unmanaged_total ?? p.unmanaged.length,
    polling_now: p.lease_holder !== null && p.lease_until >= Math.floor(Date.now() / 1000),
  };
}

export async function getPollStatus(routerId: string): Promise<RouterPollStatus> {
  await getRouter(routerId);
  return toStatus(routerId, await pollRepository.get(routerId));
}

/** The poll status of each router named (one read each, in parallel): for router lists and views. */
export async function pollStatuses(routerIds: readonly string[]): Promise<Map<string, RouterPollStatus>> {
  const unique = [...new Set(routerIds)];
  const found = await Promise.all(unique.map((id) => pollRepository.get(id)));
  return new Map(unique.map((id, i) => [id, toStatus(id, found[i])]));
}

/**
 * Sessions as shown with their freshness: a session's `last_polled` is the last poll of its router
 * that read the router (a poll writes a session only when something changed, so the session's own
 * mark is the last change). A router whose last poll failed shows the failure on its sessions
 * (`unknown`), not an old time.
 */
export async function withPollTimes(sessions: PublicSession[]): Promise<PublicSession[]> {
  const polled = sessions.filter((s) => s.last_polled !== null);
  if (polled.length === 0) return sessions;
  const statuses = await pollStatuses(polled.map((s) => s.resource_id));
  return sessions.map((s) => {
    const success = statuses.get(s.resource_id)?.last_success ?? null;
    if (s.last_polled === null || s.bgp_state === 'unknown' || success === null) return s;
    return success > s.last_polled ? { ...s, last_polled: success } : s;
  });
}

export async function listUnmanaged(
  routerId: string,
): Promise<{ router_id: string; last_success: string | null; total: number; data: UnmanagedNeighbor[] }> {
  await getRouter(routerId);
  const p = await pollRepository.get(routerId);
  return {
    router_id: routerId,
    last_success: p?.last_success ?? null,
    total: p ? (p.unmanaged_total ?? p.unmanaged.length) : 0,
    data: p?.unmanaged ?? [],
  };
}

export interface ImportOutcome {
  peer_ipaddr: string;
  imported: boolean;
  session: PublicSession | null;
  reason: string | null;
}

/**
 * Makes sessions of neighbors the last poll found on the router and peerflow did not know. Each is
 * added as addSession adds one (its fields from PeeringDB by peer IP; the AS the router has for it
 * wins over PeeringDB's), in the lifecycle state it has on the router (`established`, else
 * `configured`: it runs there), with what the poll saw of it. An address the last poll did not list
 * as unmanaged is refused (422) before anything is added.
 */
export async function importNeighbors(
  routerId: string,
  peerIps: readonly string[],
  actor: Actor,
): Promise<{ data: ImportOutcome[]; sessions: StoredSession[] }> {
  await getRouter(routerId);
  const p = await pollRepository.get(routerId);
  const byIp = new Map((p?.unmanaged ?? []).map((n) => [n.peer_ipaddr, n]));
  const wanted = [...new Set(peerIps.map((ip) => canonicalIp(ip) ?? ip))];
  const missing = wanted.filter((ip) => !byIp.has(ip));
  if (missing.length > 0) {
    throw new ValidationError(
      `Not among the router's unmanaged neighbors at its last poll: ${missing.join(', ')}`,
      [{ path: 'body.peer_ips', message: `not unmanaged on the router: ${missing.join(', ')}` }],
    );
  }
  const data: ImportOutcome[] = [];
  const sessions: StoredSession[] = [];
  for (const ip of wanted) {
    const n = byIp.get(ip)!;
    try {
      const added = await addSession(
        {
          resource_id: routerId,
          peer_ipaddr: ip,
          ...(n.peer_asn !== null ? { peer_asn: n.peer_asn } : {}),
          state: n.bgp_state === 'established' ? 'established' : 'configured',
          note: 'Imported from the router',
        },
        actor,
        undefined,
        n.bgp_state,
      );
      const stored = await getStoredSession(added.id);
      const at = new Date().toISOString();
      await sessionsRepository.savePolled(stored, {
        bgp_state: n.bgp_state,
        prfx_received: n.prfx_received,
        prfx_accepted: n.prfx_accepted,
        state_since: at,
        last_polled: p?.last_success ?? at,
        poll_reason: null,
        drops: [],
        prefix_limit_near: false,
        abandoned: false,
        state: stored.state,
      });
      const now = await getStoredSession(added.id);
      sessions.push(now);
      data.push({ peer_ipaddr: ip, imported: true, session: toPublicSession(now), reason: null });
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof NotFoundError) && !isConflict(err)) throw err;
      data.push({ peer_ipaddr: ip, imported: false, session: null, reason: (err as Error).message });
    }
  }
  return { data, sessions };
}

const isConflict = (err: unknown) => (err as { kind?: string }).kind === 'conflict';

export async function sessionHistory(sessionId: string, limit: number, cursor: string | undefined) {
  await getStoredSession(sessionId);
  return pollRepository.history(sessionId, limit, cursor);
}
