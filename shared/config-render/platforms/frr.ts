import { routeMapFamilies } from '../address-families';
import { definePlatform } from '../platform';
import { emptiedGroups, headline, type PreparedConfig, removalHeadline } from '../prepare';
import { ciscoPrefixList, type RouteMapDialect, routeMapPolicies, sessionPolicyRemoval } from '../route-maps';

/** FRR's route-map dialect: RPKI needs bgpd started with its rpki module (`-M rpki`). */
export const FRR_ROUTE_MAPS: RouteMapDialect = {
  indent: ' ',
  rpkiInvalid: 'match rpki invalid',
  call: (name) => `call ${name}`,
  largeCommunities: (values) => `set large-community ${values.join(' ')} additive`,
  prefixList: ciscoPrefixList,
  asPathList: (name, entries) =>
    entries.map((e, i) => `bgp as-path access-list ${name} seq ${(i + 1) * 5} ${e.action} ${e.regex}`),
  exitEntry: 'exit',
};

/** FRR (vtysh syntax): peer-groups per address family, neighbors activated in their family only.
 * A group whose policy is peerflow's gets its route-maps written here (see route-maps.ts), each
 * session its own import map and its RFC 9234 role; a group whose policy is `external` names the
 * operator's route-maps, and bgpd denies every route through an undefined one.
 */
export function renderFrr(c: PreparedConfig): string {
  const out = [`! ${headline(c, 'frr')}`];
  if (c.rtr.length > 0 && c.groups.some((g) => g.managed)) {
    out.push('rpki');
    for (const [i, r] of c.rtr.entries()) out.push(` rpki cache ${r.host} ${r.port} preference ${i + 1}`);
    out.push('exit', '!');
  }
  out.push(...routeMapPolicies(c, FRR_ROUTE_MAPS));
  out.push(`router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`);
  out.push(' no bgp default ipv4-unicast');
  for (const g of c.groups) out.push(` neighbor ${g.name} peer-group`);
  for (const g of c.groups) {
    for (const s of g.sessions) {
      if (s.comment) out.push(` ! ${s.comment}`);
      out.push(` neighbor ${s.ip} remote-as ${s.peerAsn}`, ` neighbor ${s.ip} peer-group ${g.name}`);
      out.push(` neighbor ${s.ip} description ${s.description}`);
      if (s.localAs !== null) out.push(` neighbor ${s.ip} local-as ${s.localAs}`);
      if (s.sourceIp) out.push(` neighbor ${s.ip} update-source ${s.sourceIp}`);
      if (s.multihop !== null) out.push(` neighbor ${s.ip} ebgp-multihop ${s.multihop}`);
      if (s.password) out.push(` neighbor ${s.ip} password ${s.password}`);
      if (s.policy) out.push(` neighbor ${s.ip} local-role ${s.policy.role}`);
    }
  }
  out.push(
    ...routeMapFamilies(c, (s) =>
      s.prefixLimit !== null ? [`  neighbor ${s.ip} maximum-prefix ${s.prefixLimit}`] : [],
    ),
  );
  out.push('exit');
  return `${out.join('\n')}\n`;
}

/** vtysh lines: `no neighbor` per session, then the peer-groups left without a neighbor, then the
 * sessions' own route-maps and lists. */
export function removeFrr(removed: PreparedConfig, remaining: PreparedConfig): string {
  const out = [`! ${removalHeadline(removed, 'frr')}`, `router bgp ${removed.asn}`];
  for (const g of removed.groups) for (const s of g.sessions) out.push(` no neighbor ${s.ip}`);
  for (const g of emptiedGroups(removed, remaining)) out.push(` no neighbor ${g.name} peer-group`);
  out.push('exit');
  out.push(...sessionPolicyRemoval(removed, (name) => `no bgp as-path access-list ${name}`));
  return `${out.join('\n')}\n`;
}

export const frr = definePlatform({
  id: 'frr',
  displayName: 'FRR',
  render: renderFrr,
  passwords: { maxLength: null },
  scope: 'session',
  removal: { kind: 'commands', render: removeFrr },
  check: {
    // `bgpd -C` of FRR exits 0 on errors; vtysh -C does not (it exits 2). A group whose policy is
    // `external` names route-maps bgpd need not know (it denies through them), so none are supplied.
    command: 'vtysh',
    args: (file) => ['-C', '-f', file],
    okExitCode: 0,
    declares: {
      group: /^ neighbor (\S+) peer-group$/gm,
      neighbor: /^ neighbor (\S+) remote-as \d+$/gm,
      anyNeighbor: /^\s*neighbor \S+ remote-as\b/gm,
      anyNeighborLines: 1,
    },
  },
});
