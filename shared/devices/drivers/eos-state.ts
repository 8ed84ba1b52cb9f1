import { DeviceError, type NeighborState } from '../device';
import { asNumber, count, parseJsonOrNull, peerAddress, stateFromWord } from './vendor-state';

/** Readers of EOS's eAPI JSON (the `result` entries of a `runCmds` reply). */

/** `show version`: `EOS <version> (<model>)`. */
export function parseEosVersion(result: unknown): string | null {
  const r = result as { version?: unknown; modelName?: unknown } | null;
  if (typeof r?.version !== 'string') return null;
  return `EOS ${r.version}${typeof r.modelName === 'string' ? ` (${r.modelName})` : ''}`;
}

/** `show ip bgp summary`: the default VRF's router id and AS. */
export function parseEosIdentity(result: unknown): { routerId: string | null; asn: number | null } {
  const vrf = (result as { vrfs?: { default?: { routerId?: unknown; asn?: unknown } } } | null)?.vrfs
    ?.default;
  return { routerId: peerAddress(vrf?.routerId), asn: asNumber(vrf?.asn) };
}

interface EosPeer {
  peerAddress?: unknown;
  asn?: unknown;
  state?: unknown;
  idleReason?: unknown;
  prefixesReceived?: unknown;
  prefixesAccepted?: unknown;
}

/**
 * `show ip bgp neighbors` (and `show ipv6 bgp neighbors`): `vrfs.default.peerList[]` with
 * `peerAddress`, `asn`, `state`, `idleReason` and the prefix counts. An `Idle` peer whose idle
 * reason is an administrative shutdown is admin_down.
 */
export function parseEosNeighbors(result: unknown): NeighborState[] {
  const vrf = (result as { vrfs?: { default?: { peerList?: unknown } } } | null)?.vrfs?.default;
  if (vrf === undefined) return [];
  if (!Array.isArray(vrf.peerList)) throw new DeviceError('the EOS reply has no peerList');
  const out: NeighborState[] = [];
  for (const p of vrf.peerList as EosPeer[]) {
    const peerIp = peerAddress(p.peerAddress);
    let state = typeof p.state === 'string' ? stateFromWord(p.state) : null;
    if (state === 'idle' && typeof p.idleReason === 'string' && /admin/i.test(p.idleReason))
      state = 'admin_down';
    if (peerIp === null || state === null) continue;
    const received = count(p.prefixesReceived);
    out.push({
      peerIp,
      peerAsn: asNumber(p.asn),
      state,
      prefixesReceived: received,
      prefixesAccepted: count(p.prefixesAccepted) ?? received,
    });
  }
  return out;
}

/** A `runCmds` reply: its results, or the error eAPI reports (with the failing command's errors). */
export function parseEapiReply(
  body: string,
): { ok: true; results: unknown[] } | { ok: false; message: string } {
  const reply = parseJsonOrNull(body) as {
    result?: unknown;
    error?: { code?: unknown; message?: unknown; data?: unknown };
  } | null;
  if (reply === null) return { ok: false, message: 'the eAPI reply is not JSON' };
  if (reply.error) {
    const details = Array.isArray(reply.error.data)
      ? (reply.error.data as { errors?: unknown }[])
          .flatMap((d) => (Array.isArray(d?.errors) ? (d.errors as unknown[]) : []))
          .filter((e): e is string => typeof e === 'string')
      : [];
    const message = typeof reply.error.message === 'string' ? reply.error.message : 'eAPI error';
    return { ok: false, message: details.length > 0 ? `${message}: ${details.join('; ')}` : message };
  }
  if (!Array.isArray(reply.result)) return { ok: false, message: 'the eAPI reply has no result' };
  return { ok: true, results: reply.result };
}
