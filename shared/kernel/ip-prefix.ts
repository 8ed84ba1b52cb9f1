import { canonicalIp, type IpVersion, ipVersion } from './ip-address';

/** A prefix in canonical form and its family, or undefined when `value` is not one. */
export function parsePrefix(
  value: string,
): { prefix: string; version: IpVersion; length: number } | undefined {
  if (typeof value !== 'string' || value.length > 50) return undefined;
  const slash = value.indexOf('/');
  if (slash < 0) return undefined;
  const address = value.slice(0, slash);
  const lengthText = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText)) return undefined;
  const version = ipVersion(address);
  const canonical = canonicalIp(address);
  if (!version || !canonical || canonical !== address) return undefined;
  const length = Number(lengthText);
  if (length > (version === 'ipv4' ? 32 : 128)) return undefined;
  if (!hostBitsClear(canonical, version, length)) return undefined;
  return { prefix: `${canonical}/${length}`, version, length };
}

function hostBitsClear(address: string, version: IpVersion, length: number): boolean {
  const bits = toBits(address, version);
  return !bits.slice(length).includes('1');
}

function toBits(address: string, version: IpVersion): string {
  if (version === 'ipv4') {
    return address
      .split('.')
      .map((o) => Number(o).toString(2).padStart(8, '0'))
      .join('');
  }
  const [head = '', tail = ''] = address.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => parseInt(g, 16).toString(2).padStart(16, '0')).join('');
}
