import { definePlatform } from '../platform';
import { emptiedGroups, headline, type PreparedConfig, removalHeadline } from '../prepare';

/** Arista EOS: peer groups per family, neighbors activated in their family.
 * `update-source` takes an interface here, not an address: the source address stays with the
 * interface configuration. Each group uses the operator's route-maps; `missing-policy` on the group
 * (not the router-wide `bgp missing-policy`, which would reach the operator's other sessions) makes
 * EOS deny, rather than permit, the routes of its neighbors when a route-map is missing.
 */
export function renderAristaEos(c: PreparedConfig): string {
  const out = [`! ${headline(c, 'arista-eos')}`, `router bgp ${c.asn}`, `   router-id ${c.routerId}`];
  out.push('   no bgp default ipv4-unicast');
  for (const g of c.groups) {
    out.push(
      `   neighbor ${g.name} peer group`,
      `   neighbor ${g.name} missing-policy address-family all direction in action deny`,
      `   neighbor ${g.name} missing-policy address-family all direction out action deny`,
    );
  }
  for (const g of c.groups) {
    for (const s of g.sessions) {
      if (s.comment) out.push(`   ! ${s.comment}`);
      out.push(`   neighbor ${s.ip} peer group ${g.name}`, `   neighbor ${s.ip} remote-as ${s.peerAsn}`);
      out.push(`   neighbor ${s.ip} description ${s.description}`);
      if (s.localAs !== null) out.push(`   neighbor ${s.ip} local-as ${s.localAs} no-prepend replace-as`);
      if (s.multihop !== null) out.push(`   neighbor ${s.ip} ebgp-multihop ${s.multihop}`);
      if (s.password) out.push(`   neighbor ${s.ip} password 0 ${s.password}`);
      if (s.prefixLimit !== null) out.push(`   neighbor ${s.ip} maximum-routes ${s.prefixLimit}`);
    }
  }
  for (const version of ['ipv4', 'ipv6'] as const) {
    const groups = c.groups.filter((g) => g.version === version);
    if (groups.length === 0) continue;
    out.push('   !', `   address-family ${version}`);
    for (const g of groups) {
      out.push(`      neighbor ${g.name} activate`);
      out.push(`      neighbor ${g.name} route-map ${g.importPolicy} in`);
      out.push(`      neighbor ${g.name} route-map ${g.exportPolicy} out`);
    }
  }
  out.push('!');
  return `${out.join('\n')}\n`;
}

/** `no neighbor` per session, then the peer groups left without a neighbor. */
export function removeAristaEos(removed: PreparedConfig, remaining: PreparedConfig): string {
  const out = [`! ${removalHeadline(removed, 'arista-eos')}`, `router bgp ${removed.asn}`];
  for (const g of removed.groups) for (const s of g.sessions) out.push(`   no neighbor ${s.ip}`);
  for (const g of emptiedGroups(removed, remaining)) out.push(`   no neighbor ${g.name} peer group`);
  out.push('!');
  return `${out.join('\n')}\n`;
}

export const aristaEos = definePlatform({
  id: 'arista-eos',
  displayName: 'Arista EOS',
  render: renderAristaEos,
  passwords: { maxLength: null },
  scope: 'session',
  removal: { kind: 'commands', render: removeAristaEos },
  check: null,
});
