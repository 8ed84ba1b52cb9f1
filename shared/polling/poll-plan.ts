import type { NeighborState } from '../devices';
import type { PeerflowEvent } from '../events';
import { canonicalIp, type PolledState } from '../kernel';
import type { PolledSessionFields, StoredSession } from '../sessions';
import type { HistoryEntry, UnmanagedNeighbor } from './poll-store';

/**
 * What one poll of a router changes, decided without I/O: for each session of the router, matched
 * with the router's neighbor by peer IP (the sessions are the router's own, so the match is by
 * router and peer IP), the fields to write when anything the router says of it changed, the history
 * entries and the events. A poll where nothing changed plans no write at all.
 */

/** At this share of `prfx_max` (or more) a session is near its prefix limit. */
export const PREFIX_LIMIT_SHARE = 0.9;
const DAY_MS = 86_400_000;

/** What the router answered: its neighbors, or why it could not be read. */
export type Observation = { ok: true; neighbors: readonly NeighborState[] } | { ok: false; reason: string };

export interface SessionWrite {
  readonly session: StoredSession;
  readonly polled: PolledSessionFields;
}

export interface PollPlan {
  readonly writes: SessionWrite[];
  readonly history: HistoryEntry[];
  readonly events: PeerflowEvent[];
  readonly unmanaged: UnmanagedNeighbor[];
}

export const NOT_ON_ROUTER = 'the router has no neighbor with this address';

export function planPoll(
  router: { readonly id: string; readonly number: number | null },
  sessions: readonly StoredSession[],
  observation: Observation,
  now: Date,
  /** Sessions whose peer IP PeeringDB no longer lists at their exchange. */
  goneFromExchange: ReadonlySet<string> = new Set(),
): PollPlan {
  const at = now.toISOString();
  const neighbors = new Map<string, NeighborState>();
  if (observation.ok) {
    for (const n of observation.neighbors) neighbors.set(canonicalIp(n.peerIp) ?? n.peerIp, n);
  }
  const writes: SessionWrite[] = [];
  const history: HistoryEntry[] = [];
  const events: PeerflowEvent[] = [];
  const known = new Set<string>();

  for (const s of sessions) {
    const ip = canonicalIp(s.peer_ipaddr) ?? s.peer_ipaddr;
    known.add(ip);
    const n = observation.ok ? neighbors.get(ip) : undefined;
    let bgp: PolledState | null;
    let received: number | null;
    let accepted: number | null;
    let reason: string | null;
    if (!observation.ok) {
      // Never the last state read: a router that cannot be read says nothing of its sessions.
      [bgp, received, accepted, reason] = ['unknown', null, null, observation.reason];
    } else if (!n) {
      [bgp, received, accepted, reason] = [null, null, null, NOT_ON_ROUTER];
    } else {
      bgp = n.state;
      accepted = n.prefixesAccepted;
      // Where the daemon does not count what its filters refused, what it accepted is all it says.
      received = n.prefixesReceived ?? n.prefixesAccepted;
      reason = null;
    }
    const before = s.bgp_state ?? null;
    const up = bgp === 'established';
    const lifecycle: StoredSession['state'] =
      s.state === 'established' && !up
        ? 'configured'
        : s.state === 'configured' && up
          ? 'established'
          : s.state;
    const near =
      s.prfx_max !== null && received !== null && received >= Math.ceil(PREFIX_LIMIT_SHARE * s.prfx_max);
    const abandoned = !up && goneFromExchange.has(s.id);
    const stateMoved = before !== bgp;
    const recentDrops = (s.drops ?? []).filter((t) => now.getTime() - Date.parse(t) < DAY_MS);
    const drops = before === 'established' && !up ? [...recentDrops, at] : recentDrops;
    const changed =
      stateMoved ||
      (s.prfx_received ?? null) !== received ||
      (s.prfx_accepted ?? null) !== accepted ||
      (s.poll_reason ?? null) !== reason ||
      lifecycle !== s.state ||
      (s.prefix_limit_near ?? false) !== near ||
      (s.abandoned ?? false) !== abandoned;
    if (!changed) continue;
    writes.push({
      session: s,
      polled: {
        bgp_state: bgp,
        prfx_received: received,
        prfx_accepted: accepted,
        state_since: stateMoved ? at : (s.state_since ?? at),
        last_polled: at,
        poll_reason: reason,
        drops,
        prefix_limit_near: near,
        abandoned,
        state: lifecycle,
      },
    });
    if (stateMoved && bgp !== null) {
      history.push({
        session_id: s.id,
        router_id: router.id,
        at,
        from: before,
        to: bgp,
        prfx_received: received,
        prfx_accepted: accepted,
        reason,
      });
      events.push({
        type: 'session.state_changed',
        time: at,
        router_id: router.number,
        session_id: s.number,
        detail: {
          session: s.id,
          router: router.id,
          peer_ipaddr: s.peer_ipaddr,
          from: before,
          to: bgp,
          prfx_received: received,
          prfx_accepted: accepted,
          ...(reason !== null ? { reason } : {}),
        },
      });
    }
    if (near && !(s.prefix_limit_near ?? false)) {
      events.push({
        type: 'session.prefix_limit_near',
        time: at,
        router_id: router.number,
        session_id: s.number,
        detail: {
          session: s.id,
          router: router.id,
          peer_ipaddr: s.peer_ipaddr,
          prfx_received: received,
          prfx_max: s.prfx_max,
        },
      });
    }
  }

  const unmanaged: UnmanagedNeighbor[] = [];
  if (observation.ok) {
    for (const [ip, n] of neighbors) {
      if (known.has(ip)) continue;
      unmanaged.push({
        peer_ipaddr: ip,
        peer_asn: n.peerAsn,
        bgp_state: n.state,
        prfx_received: n.prefixesReceived ?? n.prefixesAccepted,
        prfx_accepted: n.prefixesAccepted,
      });
    }
    unmanaged.sort((a, b) => a.peer_ipaddr.localeCompare(b.peer_ipaddr));
  }
  return { writes, history, events, unmanaged };
}

/** The unmanaged neighbors' list changed (its order is the address order). */
export function sameUnmanaged(a: readonly UnmanagedNeighbor[], b: readonly UnmanagedNeighbor[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
