import { DeviceError, type NeighborState } from '../device';
import { children, childText, path, text, type XmlNode } from '../netconf/xml-tree';
import { asNumber, count, peerAddress, stateFromWord } from './vendor-state';

/** Readers of IOS XR's NETCONF replies: the BGP operational model and the CLI-config text. */

export const XR_BGP_OPER_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XR-ipv4-bgp-oper';
export const XR_CLI_NS = 'http://cisco.com/ns/yang/Cisco-IOS-XR-cli-cfg';

/** `<get-config>` of the CLI-config model: the running configuration as CLI text. */
export function parseXrCliText(reply: XmlNode): string {
  return text(path(reply, 'data', 'cli')) ?? '';
}

/** The `router bgp` stanza of XR (or IOS, EOS) CLI text: from `router bgp` to the next top-level line. */
export function bgpStanza(config: string): string {
  const lines = config.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => /^router bgp \S+/.test(l));
  if (start < 0) return '';
  let end = start + 1;
  while (end < lines.length && (/^\s/.test(lines[end]!) || lines[end] === '')) end++;
  // The stanza's closing `!` line belongs to it.
  if (end < lines.length && lines[end] === '!') end++;
  return `${lines.slice(start, end).join('\n').replace(/\n+$/, '')}\n`;
}

/** Router id and AS from a `router bgp` stanza (`router bgp N` and its `bgp router-id` / `router-id`). */
export function routerIdentityOf(stanza: string): { routerId: string | null; asn: number | null } {
  const as = /^router bgp (\S+)/m.exec(stanza);
  const id = /^\s+(?:bgp )?router-id (\S+)/m.exec(stanza);
  return { asn: as ? asNumber(as[1]) : null, routerId: id ? peerAddress(id[1]) : null };
}

/**
 * `<get>` of `bgp/instances/instance/instance-active/default-vrf/neighbors`: each neighbor's address,
 * remote AS, `connection-state` (`bgp-st-estab`...), `is-administratively-shut-down`, and per
 * address family `prefixes-accepted` and `prefixes-denied` (received is their sum).
 */
export function parseXrNeighbors(reply: XmlNode): NeighborState[] {
  const bgp = path(reply, 'data', 'bgp');
  if (bgp === undefined) throw new DeviceError('the IOS XR reply has no BGP operational data');
  const out: NeighborState[] = [];
  for (const instance of children(path(bgp, 'instances'), 'instance')) {
    for (const neighbor of children(
      path(instance, 'instance-active', 'default-vrf', 'neighbors'),
      'neighbor',
    )) {
      const peerIp = peerAddress(childText(neighbor, 'neighbor-address'));
      let state = stateFromWord(childText(neighbor, 'connection-state') ?? '');
      if (childText(neighbor, 'is-administratively-shut-down') === 'true') state = 'admin_down';
      if (peerIp === null || state === null) continue;
      const afs = children(neighbor, 'af-data');
      const accepted = afs.map((a) => count(childText(a, 'prefixes-accepted')));
      const denied = afs.map((a) => count(childText(a, 'prefixes-denied')));
      const total = (values: (number | null)[]) =>
        values.length === 0 || values.some((v) => v === null)
          ? null
          : values.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
      const acc = total(accepted);
      const den = total(denied);
      out.push({
        peerIp,
        peerAsn: asNumber(childText(neighbor, 'remote-as')),
        state,
        prefixesReceived: acc !== null && den !== null ? acc + den : acc,
        prefixesAccepted: acc,
      });
    }
  }
  return out;
}
