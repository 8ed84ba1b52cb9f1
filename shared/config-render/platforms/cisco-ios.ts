import { routeMapFamilies } from '../address-families';
import { definePlatform } from '../platform';
import { emptiedGroups, headline, type PreparedConfig, removalHeadline, RenderError } from '../prepare';
import { ciscoPrefixList, type RouteMapDialect, routeMapPolicies, sessionPolicyRemoval } from '../route-maps';

/**
 * IOS's route-map dialect: no subroutine call (a session's map repeats its group's checks) and no
 * large communities in route-maps (the tags are left out); AS-path lists by name (IOS XE).
 */
const IOS_ROUTE_MAPS: RouteMapDialect = {
  indent: ' ',
  rpkiInvalid: 'match rpki invalid',
  call: null,
  largeCommunities: null,
  prefixList: ciscoPrefixList,
  asPathList: (name, entries) => entries.map((e) => `ip as-path access-list ${name} ${e.action} ${e.regex}`),
  exitEntry: '!',
};

/** IOS takes passwords of at most 25 characters. */
const IOS_PASSWORD_MAX = 25;

/** Cisco IOS / IOS XE: peer-groups per address family, neighbors activated in their family.
 * `update-source` takes an interface here, not an address: the source address stays with the
 * interface configuration. A managed group's route-maps are written here (route-maps.ts); a group
 * whose policy is `external` names the operator's, and BGP denies every route through a route-map
 * that is referenced but not defined. IOS has no RFC 9234 roles.
 */
export function renderCiscoIos(c: PreparedConfig): string {
  const out = [`! ${headline(c, 'cisco-ios')}`, ...routeMapPolicies(c, IOS_ROUTE_MAPS)];
  out.push(`router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`);
  if (c.groups.some((g) => g.managed)) {
    for (const r of c.rtr) {
      if (!r.address) throw new RenderError(`IOS takes an RTR server by address, not by name (${r.host})`);
      out.push(` bgp rpki server tcp ${r.host} port ${r.port} refresh 600`);
    }
  }
  out.push(' no bgp default ipv4-unicast');
  for (const g of c.groups) out.push(` neighbor ${g.name} peer-group`);
  for (const g of c.groups) {
    for (const s of g.sessions) {
      if (s.password && s.password.length > IOS_PASSWORD_MAX) {
        throw new RenderError(`password of ${s.ip} is longer than IOS allows (${IOS_PASSWORD_MAX})`);
      }
      if (s.comment) out.push(` ! ${s.comment}`);
      out.push(` neighbor ${s.ip} remote-as ${s.peerAsn}`, ` neighbor ${s.ip} peer-group ${g.name}`);
      out.push(` neighbor ${s.ip} description ${s.description}`);
      if (s.localAs !== null) out.push(` neighbor ${s.ip} local-as ${s.localAs} no-prepend replace-as`);
      if (s.multihop !== null) out.push(` neighbor ${s.ip} ebgp-multihop ${s.multihop}`);
      if (s.password) out.push(` neighbor ${s.ip} password 0 ${s.password}`);
    }
  }
  out.push(
    ...routeMapFamilies(c, (s) => [
      `  neighbor ${s.ip} activate`,
      ...(s.prefixLimit !== null ? [`  neighbor ${s.ip} maximum-prefix ${s.prefixLimit}`] : []),
    ]),
  );
  out.push('!');
  return `${out.join('\n')}\n`;
}

/** `no neighbor` per session, then the peer-groups left without a neighbor. */
export function removeCiscoIos(removed: PreparedConfig, remaining: PreparedConfig): string {
  const out = [`! ${removalHeadline(removed, 'cisco-ios')}`, `router bgp ${removed.asn}`];
  for (const g of removed.groups) for (const s of g.sessions) out.push(` no neighbor ${s.ip}`);
  for (const g of emptiedGroups(removed, remaining)) out.push(` no neighbor ${g.name} peer-group`);
  out.push('!', ...sessionPolicyRemoval(removed, (name) => `no ip as-path access-list ${name}`));
  return `${out.join('\n')}\n`;
}

export const ciscoIos = definePlatform({
  id: 'cisco-ios',
  displayName: 'Cisco IOS / IOS XE',
  render: renderCiscoIos,
  passwords: { maxLength: IOS_PASSWORD_MAX },
  scope: 'session',
  removal: { kind: 'commands', render: removeCiscoIos },
  check: null,
});
