import type { NeighborState } from '../device';
import { asNumber, count, peerAddress, stateFromWord } from './vendor-state';

/** Readers of Cisco IOS / IOS XE CLI text. */

/** `show version`: the first line naming the software and its version. */
export function parseIosVersion(text: string): string | null {
  const m = /^(Cisco IOS.*?Version [^\s,]+)/m.exec(text);
  return m ? m[1]! : null;
}

/** `show bgp ... summary`: `BGP router identifier X, local AS number N`. */
export function parseIosIdentity(text: string): { routerId: string | null; asn: number | null } {
  const m = /BGP router identifier (\S+), local AS number (\S+)/.exec(text);
  return m
    ? { routerId: peerAddress(m[1]!.replace(/,$/, '')), asn: asNumber(m[2]) }
    : { routerId: null, asn: null };
}

/**
 * `show bgp <afi> unicast summary`: the table after the `Neighbor V AS ...` header. The last column
 * is the prefix count when the session is established, else the state (`Idle`, `Active`,
 * `Idle (Admin)`...). A long IPv6 address sits alone on its line, its columns on the next.
 */
export function parseIosSummary(text: string): NeighborState[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const header = lines.findIndex((l) => /^Neighbor\s+V\s+AS\s+/.test(l));
  if (header < 0) return [];
  const out: NeighborState[] = [];
  let pending: string | null = null;
  for (const raw of lines.slice(header + 1)) {
    const line = raw.trimEnd();
    if (line === '') continue;
    const words = line.trim().split(/\s+/);
    if (pending === null && words.length === 1 && peerAddress(words[0]) !== null) {
      pending = words[0]!;
      continue;
    }
    const cols = pending !== null ? [pending, ...words] : words;
    pending = null;
    const peerIp = peerAddress(cols[0]);
    if (peerIp === null || cols.length < 10) continue;
    const last = cols.slice(9).join(' ');
    const received = count(last);
    const state =
      received !== null ? 'established' : last === 'Idle (Admin)' ? 'admin_down' : stateFromWord(last);
    if (state === null) continue;
    out.push({
      peerIp,
      peerAsn: asNumber(cols[2]),
      state,
      prefixesReceived: received,
      prefixesAccepted: received,
    });
  }
  return out;
}
