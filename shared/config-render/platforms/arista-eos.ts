import { definePlatform } from '../platform';
import { emptiedGroups, headline, type PreparedConfig, removalHeadline } from '../prepare';
import { type RouteMapDialect, routeMapPolicies, sessionPolicyRemoval } from '../route-maps';

/** EOS's route-map dialect: `sub-route-map` calls the group's map; IPv6 prefix lists are blocks. */
const EOS_ROUTE_MAPS: RouteMapDialect = {
  indent: '   ',
  rpkiInvalid: 'match origin-as validity invalid',
  call: (name) => `sub-route-map ${name}`,
  largeCommunities: (values) => `set large-community ${values.join(' ')} additive`,
  prefixList: (version, name, entries) =>
    version === 'ipv4'
      ? entries.map((e, i) => `ip prefix-list ${name} seq ${(i + 1) * 5} ${e.action} ${e.prefix}`)
      : [
          `ipv6 prefix-list ${name}`,
          ...entries.map((e, i) => `   seq ${(i + 1) * 5} ${e.action} ${e.prefix}`),
        ],
  asPathList: (name, entries) =>
    entries.map((e) => `ip as-path access-list ${name} ${e.action} ${e.regex} any`),
  exitEntry: '!',
};

/** Arista EOS: peer groups per family, neighbors activated in their family.
 * `update-source` takes an interface here, not an address: the source address stays with the
 * interface configuration. A managed group's route-maps are written here (route-maps.ts), with
 * RPKI origin validation of eBGP routes when the router has RTR servers; EOS has no RFC 9234 roles.
 * A group whose policy is `external` uses the operator's route-maps; `missing-policy` on the group
 * (not the router-wide `bgp missing-policy`, which would reach the operator's other sessions) makes
 * EOS deny, rather than permit, the routes of its neighbors when a route-map is missing.
 */
export function renderAristaEos(c: PreparedConfig): string {
  const out = [`! ${headline(c, 'arista-eos')}`, ...routeMapPolicies(c, EOS_ROUTE_MAPS)];
  out.push(`router bgp ${c.asn}`, `   router-id ${c.routerId}`);
  out.push('   no bgp default ipv4-unicast');
  if (c.rtr.length > 0 && c.groups.some((g) => g.managed)) {
    for (const r of c.rtr) out.push(`   rpki cache ${r.name}`, `      host ${r.host} port ${r.port}`);
    out.push('   rpki origin-validation', '      ebgp local');
  }
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
      if (s.policy) out.push(`   neighbor ${s.ip} route-map ${s.policy.importPolicy} in`);
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
  out.push('!', ...sessionPolicyRemoval(removed, (name) => `no ip as-path access-list ${name}`));
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
