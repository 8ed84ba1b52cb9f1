import { canonicalIp } from '../../kernel';
import type { NeighborStateName } from '../device';

/** What the vendor state readers share: BGP state words to peerflow's states, numbers, JSON. */

/** A state as a vendor writes it (`Established`, `bgp-st-opensent`, `OpenConfirm`...); null when unknown. */
export function stateFromWord(word: string): NeighborStateName | null {
  const w = word
    .toLowerCase()
    .replace(/^bgp-st-/, '')
    .replace(/[^a-z]/g, '');
  switch (w) {
    case 'idle':
      return 'idle';
    case 'connect':
      return 'connect';
    case 'active':
      return 'active';
    case 'opensent':
      return 'opensent';
    case 'openconfirm':
      return 'openconfirm';
    case 'established':
    case 'estab':
      return 'established';
    case 'idleadmin':
    case 'adminshutdown':
      return 'admin_down';
    default:
      return null;
  }
}

/** A count written as digits; null for anything else. */
export function count(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return null;
}

/** An AS number (asplain, or asdot `X.Y`); null for anything else. */
export function asNumber(value: unknown): number | null {
  if (typeof value === 'string' && /^\d{1,5}\.\d{1,5}$/.test(value.trim())) {
    const [hi, lo] = value.trim().split('.').map(Number) as [number, number];
    return hi <= 65_535 && lo <= 65_535 ? hi * 65_536 + lo : null;
  }
  const n = count(value);
  return n !== null && n <= 4_294_967_295 ? n : null;
}

/** An address in canonical form, without a `+port` (Junos) suffix; null when not an IP. */
export function peerAddress(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return canonicalIp(value.trim().replace(/\+\d+$/, '')) ?? null;
}

export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
