import { DeviceError, type NeighborState } from '../device';
import { children, childText, path, text, type XmlNode } from '../netconf/xml-tree';
import { asNumber, count, peerAddress, stateFromWord } from './vendor-state';

/**
 * Readers of Junos' XML replies (the same elements `| display xml` shows), each given the parsed
 * `<rpc-reply>` element.
 */

/** `<get-software-information/>`: `<host-name>` and `<junos-version>` (or the product's package line). */
export function parseJunosVersion(reply: XmlNode): string | null {
  const info = path(reply, 'software-information');
  const version = childText(info, 'junos-version');
  const model = childText(info, 'product-model');
  if (version) return `Junos ${version}${model ? ` (${model})` : ''}`;
  const pkg = childText(path(info, 'package-information'), 'comment');
  return pkg ?? null;
}

/**
 * `<get-configuration database="committed" inherit="inherit">` of routing-options: router id and
 * AS, wherever they are set (in peerflow's group or the operator's own config).
 */
export function parseJunosRoutingOptions(reply: XmlNode): { routerId: string | null; asn: number | null } {
  const ro = path(reply, 'configuration', 'routing-options');
  const routerId = peerAddress(childText(ro, 'router-id'));
  const as = path(ro, 'autonomous-system');
  return { routerId, asn: asNumber(childText(as, 'as-number') ?? text(as)) };
}

/** `<get-configuration format="text">`: the configuration text, '' when there is none. */
export function parseJunosConfigurationText(reply: XmlNode): string {
  return text(path(reply, 'configuration-text')) ?? '';
}

/** `<load-configuration>`: the errors it lists (a load can answer with rpc-errors or a count). */
export function parseJunosLoadErrors(reply: XmlNode): string[] {
  const root = reply;
  const results = path(root, 'load-configuration-results') ?? root;
  return children(results, 'rpc-error').map(
    (e) =>
      `${childText(e, 'error-message')?.trim() ?? 'error'}${childText(e, 'error-path') ? ` at ${childText(e, 'error-path')?.trim()}` : ''}`,
  );
}

/** `<get-commit-information/>`: the log of the newest commit, and whether it waits for confirmation. */
export function parseJunosLastCommit(reply: XmlNode): { log: string | null; comment: string | null } {
  const first = children(
    path(reply, 'commit-history-information') ?? path(reply, 'commit-information'),
    'commit-history',
  )[0];
  return {
    log: childText(first, 'log')?.trim() ?? null,
    comment: childText(first, 'comment')?.trim() ?? null,
  };
}

/**
 * `<get-bgp-neighbor-information/>`: every `<bgp-peer>` with its address (`ip+port`), peer AS,
 * state, and the received and accepted prefixes summed over its RIBs. A peer Junos shows as `Idle`
 * with the `Shutdown` flag, or whose state is `Idle (Admin)`, is admin_down.
 */
export function parseJunosNeighbors(reply: XmlNode): NeighborState[] {
  const info = path(reply, 'bgp-information');
  if (info === undefined) throw new DeviceError('the Junos reply has no bgp-information');
  const out: NeighborState[] = [];
  for (const peer of children(info, 'bgp-peer')) {
    const peerIp = peerAddress(childText(peer, 'peer-address'));
    const word = childText(peer, 'peer-state') ?? '';
    let state = stateFromWord(word);
    const flags = childText(peer, 'peer-flags') ?? '';
    if (state === 'idle' && /\bShutdown\b/i.test(flags)) state = 'admin_down';
    if (peerIp === null || state === null) continue;
    const ribs = children(peer, 'bgp-rib');
    const sum = (name: string) => {
      const values = ribs.map((r) => count(childText(r, name)));
      return values.length === 0 || values.some((v) => v === null)
        ? null
        : values.reduce((a, b) => (a ?? 0) + (b ?? 0), 0);
    };
    out.push({
      peerIp,
      peerAsn: asNumber(childText(peer, 'peer-as')),
      state,
      prefixesReceived: sum('received-prefix-count'),
      prefixesAccepted: sum('accepted-prefix-count'),
    });
  }
  return out;
}
