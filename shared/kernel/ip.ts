import { isIP } from 'node:net';

/**
 * The one spelling of an address that lookups compare: IPv4 dotted quad, IPv6 compressed and
 * lowercase (RFC 5952, as the URL parser writes it). Returns null for anything that is not an address.
 */
export function normalizeIp(input: string): string | null {
  const value = input.trim();
  const version = isIP(value);
  if (version === 4) return value;
  if (version === 6) {
    try {
      return new URL(`http://[${value}]/`).hostname.slice(1, -1);
    } catch {
      return null;
    }
  }
  return null;
}
