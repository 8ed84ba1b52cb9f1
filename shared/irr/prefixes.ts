/**
 * IP prefixes as the prefix lists hold them: parsed strictly from what an IRR server answers (a
 * token that is not a prefix is dropped, never passed on), host bits cleared, and written back the
 * way the C library's `inet_ntop` writes addresses, so a list reads exactly like bgpq4's.
 */

export type Family = 4 | 6;

export interface Prefix {
  family: Family;
  /** 4 or 16 bytes, host bits zero. */
  bytes: Uint8Array;
  length: number;
}

const IPV4_PART = /^(0|[1-9]\d{0,2})$/;
const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string, into: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!IPV4_PART.test(part)) return false;
    const n = Number(part);
    if (n > 255) return false;
    into[at + i] = n;
  }
  return true;
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!IPV6_GROUP.test(g)) return undefined;
    out.push(parseInt(g, 16));
  }
  return out;
}

function parseIpv6(text: string, into: Uint8Array): boolean {
  if (text.length > 45) return false;
  let tail = text;
  const bytes = new Uint8Array(16);
  let v4 = false;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.includes('.', lastColon)) {
    if (!parseIpv4(text.slice(lastColon + 1), bytes, 12)) return false;
    v4 = true;
    tail = text.slice(0, lastColon + 1);
    // "::1.2.3.4" leaves "::", "a::b:1.2.3.4" leaves "a::b:": drop the colon that belonged to the
    // dotted part unless it is half of a "::".
    if (!tail.endsWith('::')) tail = tail.slice(0, -1);
  }
  const words = v4 ? 6 : 8;
  const halves = tail.split('::');
  let groups: number[];
  if (halves.length === 1) {
    const g = groupsOf(halves[0]!);
    if (!g || g.length !== words) return false;
    groups = g;
  } else if (halves.length === 2) {
    const head = groupsOf(halves[0]!);
    const rest = groupsOf(halves[1]!);
    if (!head || !rest || head.length + rest.length >= words) return false;
    groups = [...head, ...new Array<number>(words - head.length - rest.length).fill(0), ...rest];
  } else return false;
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  into.set(bytes);
  return true;
}

function clearHostBits(bytes: Uint8Array, length: number): void {
  for (let bit = length; bit < bytes.length * 8; bit++) {
    bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  }
}

/** A prefix `address/length`, or undefined when the text is not one. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0 || text.length > 49) return undefined;
  const address = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  const family: Family = address.includes(':') ? 6 : 4;
  const bytes = new Uint8Array(family === 4 ? 4 : 16);
  const ok = family === 4 ? parseIpv4(address, bytes, 0) : parseIpv6(address, bytes);
  if (!ok || length > bytes.length * 8) return undefined;
  clearHostBits(bytes, length);
  return { family, bytes, length };
}

/** The address as `inet_ntop` writes it (the longest run of two or more zero groups as `::`, the first on a tie). */
export function formatAddress(family: Family, bytes: Uint8Array): string {
  if (family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      cur = cur.base < 0 ? { base: i, len: 1 } : { base: cur.base, len: cur.len + 1 };
      if (cur.len > best.len) best = cur;
    } else cur = { base: -1, len: 0 };
  }
  if (best.len < 2) best = { base: -1, len: 0 };
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (best.base >= 0 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) out += ':';
      continue;
    }
    if (i > 0) out += ':';
    // An IPv4-compatible or IPv4-mapped address ends in dotted form, as the C library writes it.
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      out += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
      return out;
    }
    out += words[i]!.toString(16);
  }
  if (best.base >= 0 && best.base + best.len === 8) out += ':';
  return out;
}

export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.family, p.bytes)}/${p.length}`;
}

/**
 * One entry of a prefix list as stored: `192.0.2.0/24` matches that prefix alone;
 * `192.0.2.0/23{23,24}` (an aggregated list only) matches the prefixes inside 192.0.2.0/23 whose
 * length is 23 to 24, like BIRD's notation and bgpq4's `greater-equal` / `less-equal`.
 */
export interface PrefixEntry {
  prefix: string;
  /** Shortest and longest length matched; both equal the prefix's length for an exact entry. */
  ge: number;
  le: number;
}

const ENTRY = /^([0-9a-fA-F:.]+\/\d{1,3})(?:\{(\d{1,3}),(\d{1,3})\})?$/;

/** Reads a stored entry back; undefined for anything else (the renderers refuse such a list). */
export function parsePrefixEntry(text: string): PrefixEntry | undefined {
  const m = ENTRY.exec(text);
  if (!m) return undefined;
  const prefix = parsePrefix(m[1]!);
  if (!prefix || formatPrefix(prefix) !== m[1]) return undefined;
  const max = prefix.family === 4 ? 32 : 128;
  const ge = m[2] === undefined ? prefix.length : Number(m[2]);
  const le = m[3] === undefined ? prefix.length : Number(m[3]);
  if (ge < prefix.length || le < ge || le > max) return undefined;
  return { prefix: m[1]!, ge, le };
}
