import { canonicalIp } from '../../kernel';
import type { NeighborState, NeighborStateName } from '../device';

/**
 * BIRD 2 answers in text only. These read `birdc show status` and `birdc show protocols all`, as
 * BIRD 2.0 prints them (birdc's "BIRD x ready." greeting included or not).
 */

/** One BGP protocol of `show protocols all`. */
export interface BirdBgpProtocol {
  readonly name: string;
  /** The protocol's own state column: `up`, `start`, `down`... */
  readonly protocolState: string;
  /** `BGP state:` (Idle, Connect, Active, OpenSent, OpenConfirm, Established, Close, Down). */
  readonly bgpState: string | null;
  readonly neighborAddress: string | null;
  readonly neighborAs: number | null;
  readonly localAs: number | null;
  /** Routes the import filters accepted, all channels together; null when no channel reports routes. */
  readonly imported: number | null;
  /** Routes the import filters refused and BIRD kept (`import keep filtered`); null when not reported. */
  readonly filtered: number | null;
}

/** `show status`: the version BIRD prints and its router id. */
export function parseBirdStatus(text: string): { version: string; routerId: string } | null {
  const version = /^BIRD (\d[^\s]*)\s*$/m.exec(text)?.[1];
  const routerId = /^Router ID is (\S+)\s*$/m.exec(text)?.[1];
  if (!version || !routerId) return null;
  return { version: `BIRD ${version}`, routerId };
}

const PROTOCOL_LINE = /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)(?:\s+.*)?$/;

/** The BGP protocols of `show protocols all` (other protocols are skipped). */
export function parseBirdProtocols(text: string): BirdBgpProtocol[] {
  const protocols: BirdBgpProtocol[] = [];
  let current: {
    name: string;
    proto: string;
    protocolState: string;
    bgpState: string | null;
    neighborAddress: string | null;
    neighborAs: number | null;
    localAs: number | null;
    imported: number | null;
    filtered: number | null;
  } | null = null;
  const flush = () => {
    if (current && current.proto === 'BGP') {
      const { proto: _proto, ...rest } = current;
      protocols.push(rest);
    }
    current = null;
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || /^BIRD \S+ ready\.$/.test(line) || /^Name\s+Proto\s+Table/.test(line)) continue;
    if (!/^\s/.test(line)) {
      flush();
      const m = PROTOCOL_LINE.exec(line);
      if (m) {
        current = {
          name: m[1]!,
          proto: m[2]!,
          protocolState: m[4]!,
          bgpState: null,
          neighborAddress: null,
          neighborAs: null,
          localAs: null,
          imported: null,
          filtered: null,
        };
      }
      continue;
    }
    if (!current) continue;
    const field = /^\s+([A-Za-z][A-Za-z ]*?):\s+(.*)$/.exec(line);
    if (!field) continue;
    const [, key, value] = field as unknown as [string, string, string];
    const c: NonNullable<typeof current> = current;
    if (key === 'BGP state') c.bgpState = value.trim();
    else if (key === 'Neighbor address') c.neighborAddress = value.trim().split('%')[0]!;
    else if (key === 'Neighbor AS') c.neighborAs = toAs(value);
    else if (key === 'Local AS') c.localAs = toAs(value);
    else if (key === 'Routes') {
      const imported = /(\d+) imported/.exec(value);
      const filtered = /(\d+) filtered/.exec(value);
      if (imported) c.imported = (c.imported ?? 0) + Number(imported[1]);
      if (filtered) c.filtered = (c.filtered ?? 0) + Number(filtered[1]);
    }
  }
  flush();
  return protocols;
}

function toAs(value: string): number | null {
  const m = /^\s*(\d+)\s*$/.exec(value);
  return m ? Number(m[1]) : null;
}

const BGP_STATES: Record<string, NeighborStateName> = {
  idle: 'idle',
  connect: 'connect',
  active: 'active',
  passive: 'active',
  opensent: 'opensent',
  openconfirm: 'openconfirm',
  established: 'established',
  close: 'idle',
  down: 'idle',
};

/** A protocol's session in the states of `NEIGHBOR_STATES`; null for a state BIRD is not known to print. */
export function birdNeighborState(p: BirdBgpProtocol): NeighborStateName | null {
  // A protocol that is down (disabled, or shut by an import limit) does not even try to connect.
  if (p.protocolState === 'down') return 'admin_down';
  return BGP_STATES[(p.bgpState ?? '').toLowerCase()] ?? null;
}

/**
 * The neighbors of the BGP protocols. Accepted: the routes imported; received: imported plus the
 * filtered ones, known only where the protocol keeps filtered routes (`import keep filtered`).
 */
export function birdNeighbors(protocols: readonly BirdBgpProtocol[]): NeighborState[] | string {
  const neighbors: NeighborState[] = [];
  for (const p of protocols) {
    const peerIp = p.neighborAddress === null ? undefined : canonicalIp(p.neighborAddress);
    const state = birdNeighborState(p);
    if (!peerIp) return `protocol ${p.name}: no neighbor address BIRD printed can be read`;
    if (!state) return `protocol ${p.name}: unknown BGP state ${JSON.stringify(p.bgpState)}`;
    neighbors.push({
      peerIp,
      peerAsn: p.neighborAs,
      state,
      prefixesReceived: p.imported !== null && p.filtered !== null ? p.imported + p.filtered : null,
      prefixesAccepted: p.imported,
    });
  }
  return neighbors;
}

/**
 * The AS the router speaks with: BIRD has no router-wide AS, each protocol has its `local as`. The
 * one most protocols use (a session's own `local as` override is the exception); on a tie, the
 * lowest. Null when there is no BGP protocol.
 */
export function birdLocalAs(protocols: readonly BirdBgpProtocol[]): number | null {
  const counts = new Map<number, number>();
  for (const p of protocols) if (p.localAs !== null) counts.set(p.localAs, (counts.get(p.localAs) ?? 0) + 1);
  let best: number | null = null;
  for (const [asn, n] of counts) {
    const bestCount = best === null ? 0 : counts.get(best)!;
    if (n > bestCount || (n === bestCount && best !== null && asn < best)) best = asn;
  }
  return best;
}

/**
 * What BIRD answered to a `configure` command: the message lines after birdc's greeting and the
 * "Reading configuration" line.
 */
export function birdReplyLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^BIRD \S+ ready\.$/.test(l) && !/^Reading configuration from /.test(l));
}
