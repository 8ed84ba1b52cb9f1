import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { config } from '../platform/config';

/**
 * Where a webhook may point. A webhook makes peerflow's own network send requests to an address an
 * admin typed, so the address is checked as an attacker would pick it: the metadata service, the
 * VPC, loopback, a name that resolves to any of them, a name that resolves to them later (the
 * address is checked again at every attempt and the connection goes to the very address checked),
 * or a URL that smuggles credentials or another scheme.
 */

/** Ranges no webhook may reach: private, loopback, link-local (and the metadata services in it), reserved. */
const REFUSED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local: the instance and container metadata services
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const REFUSED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::ffff:0:0', 96], // IPv4-mapped: an IPv4 address in disguise
  ['64:ff9b::', 96], // NAT64: likewise
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // protocol assignments (Teredo among them)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local (the EC2 IPv6 metadata address fd00:ec2::254 among them)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local
  ['ff00::', 8], // multicast
];

// One list per family: a BlockList matches an IPv4 address against IPv6 rules through its mapped
// form (::ffff:a.b.c.d), so one shared list would refuse every IPv4 address by the mapped range.
const refusedV4 = new BlockList();
for (const [net, bits] of REFUSED_V4) refusedV4.addSubnet(net, bits, 'ipv4');
const refusedV6 = new BlockList();
for (const [net, bits] of REFUSED_V6) refusedV6.addSubnet(net, bits, 'ipv6');

const loopbackV4 = new BlockList();
loopbackV4.addSubnet('127.0.0.0', 8, 'ipv4');

/** Host names that only mean something inside a network: never sent to DNS. */
const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa|intranet|lan|corp)\.?$/i;

/** Ports a webhook may use in AWS: 443 and the unprivileged ones (no SMTP, SSH, databases' low ports). */
const allowedPort = (port: number) => port === 443 || port >= 1024;

export const MAX_URL_LENGTH = 2048;

export class WebhookUrlError extends Error {}

/** A URL that passed the static checks, with its host (unbracketed) and port. */
export interface CheckedUrl {
  url: URL;
  host: string;
  port: number;
  /** The host is an address literal (no DNS). */
  literal: boolean;
}

function isLoopbackAddress(ip: string): boolean {
  if (isIP(ip) === 4) return loopbackV4.check(ip, 'ipv4');
  return ip === '::1' || /^::ffff:(7f[0-9a-f]{2}:[0-9a-f]{1,4}|127\.[0-9.]+)$/i.test(ip);
}

function isRefused(ip: string): boolean {
  return isIP(ip) === 4 ? refusedV4.check(ip, 'ipv4') : refusedV6.check(ip, 'ipv6');
}

/** Why peerflow refuses to connect to this address, or null when it may. */
export function refusedAddress(ip: string, allowLoopback = config().WEBHOOK_ALLOW_LOOPBACK): string | null {
  if (isIP(ip) === 0) return `${ip} is not an IP address`;
  if (allowLoopback && isLoopbackAddress(ip)) return null;
  if (isRefused(ip)) {
    return `${ip} is a private, loopback, link-local or reserved address`;
  }
  return null;
}

/** The checks that need no DNS: scheme, credentials, host form, port, length. Throws WebhookUrlError. */
export function checkWebhookUrl(text: string, allowLoopback = config().WEBHOOK_ALLOW_LOOPBACK): CheckedUrl {
  if (text.length > MAX_URL_LENGTH) throw new WebhookUrlError(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookUrlError('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookUrlError('must be an https URL');
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebhookUrlError('must not carry a user name or password');
  }
  if (url.hash !== '' || text.includes('#')) throw new WebhookUrlError('must not have a fragment');
  // The WHATWG parser has already turned 2130706433, 0x7f.1 and 127.1 into 127.0.0.1.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = isIP(host) !== 0;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const toLoopback = literal ? isLoopbackAddress(host) : /^localhost\.?$/i.test(host);
  if (url.protocol === 'http:' && !(allowLoopback && toLoopback)) {
    throw new WebhookUrlError('must be an https URL (plain http only to loopback, in a local runtime)');
  }
  if (allowLoopback && toLoopback) return { url, host: literal ? host : 'localhost', port, literal };
  if (literal) {
    const why = refusedAddress(host, false);
    if (why) throw new WebhookUrlError(`must not point at ${why}`);
  } else {
    if (!host.includes('.')) throw new WebhookUrlError('must name a host by its full DNS name');
    if (INTERNAL_NAMES.test(host)) throw new WebhookUrlError(`must not name an internal host (${host})`);
  }
  if (!allowedPort(port)) throw new WebhookUrlError('must use port 443 or a port from 1024 up');
  return { url, host, port, literal };
}

/** Resolves a host to addresses; a seam for tests that need a name to resolve somewhere. */
export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

let resolver: Resolver = systemResolver;

export function provideResolver(r: Resolver | undefined): void {
  resolver = r ?? systemResolver;
}

/**
 * The address to connect to: the host itself when it is an address, otherwise what DNS answers,
 * every address of which must be allowed (a name answering one public and one private address is
 * refused, since which one a client picks is not ours to choose). Throws WebhookUrlError.
 */
export async function resolveWebhookAddress(
  checked: CheckedUrl,
  allowLoopback = config().WEBHOOK_ALLOW_LOOPBACK,
): Promise<string> {
  if (checked.host === 'localhost' && allowLoopback) return '127.0.0.1';
  if (checked.literal) return checked.host;
  let addresses: string[];
  try {
    addresses = await resolver(checked.host);
  } catch {
    throw new WebhookUrlError(`${checked.host} does not resolve`);
  }
  if (addresses.length === 0) throw new WebhookUrlError(`${checked.host} does not resolve`);
  for (const address of addresses) {
    const why = refusedAddress(address, allowLoopback);
    if (why) throw new WebhookUrlError(`${checked.host} resolves to ${why}`);
  }
  return addresses[0] as string;
}
