import { definePlatform } from '../platform';
import { emptiedGroups, headline, type PreparedConfig, removalHeadline } from '../prepare';

/** Cisco IOS XR: a neighbor-group per peer group and family; each neighbor uses its group.
 * `update-source` takes an interface here, not an address: the source address stays with the
 * interface configuration. Each neighbor-group applies the operator's route policies: XR refuses to
 * commit a reference to an undefined policy, and drops eBGP routes when none is applied.
 */
export function renderCiscoIosxr(c: PreparedConfig): string {
  const family = (v: 'ipv4' | 'ipv6') => `${v} unicast`;
  const out = [`! ${headline(c, 'cisco-iosxr')}`, `router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`];
  for (const version of ['ipv4', 'ipv6'] as const) {
    if (c.groups.some((g) => g.version === version)) out.push(` address-family ${family(version)}`, ' !');
  }
  for (const g of c.groups) {
    out.push(
      ` neighbor-group ${g.name}`,
      `  address-family ${family(g.version)}`,
      `   route-policy ${g.importPolicy} in`,
      `   route-policy ${g.exportPolicy} out`,
      '  !',
      ' !',
    );
  }
  for (const g of c.groups) {
    for (const s of g.sessions) {
      if (s.comment) out.push(` ! ${s.comment}`);
      out.push(` neighbor ${s.ip}`, `  remote-as ${s.peerAsn}`, `  use neighbor-group ${g.name}`);
      out.push(`  description ${s.description}`);
      if (s.localAs !== null) out.push(`  local-as ${s.localAs} no-prepend replace-as`);
      if (s.multihop !== null) out.push(`  ebgp-multihop ${s.multihop}`);
      if (s.password) out.push(`  password clear ${s.password}`);
      out.push(`  address-family ${family(s.version)}`);
      if (s.prefixLimit !== null) out.push(`   maximum-prefix ${s.prefixLimit} 90`);
      out.push('  !', ' !');
    }
  }
  out.push('!');
  return `${out.join('\n')}\n`;
}

/** `no neighbor` per session, then the neighbor-groups left without a neighbor; `commit` applies them. */
export function removeCiscoIosxr(removed: PreparedConfig, remaining: PreparedConfig): string {
  const out = [`! ${removalHeadline(removed, 'cisco-iosxr')}`, `router bgp ${removed.asn}`];
  for (const g of removed.groups) for (const s of g.sessions) out.push(` no neighbor ${s.ip}`);
  for (const g of emptiedGroups(removed, remaining)) out.push(` no neighbor-group ${g.name}`);
  out.push('!');
  return `${out.join('\n')}\n`;
}

export const ciscoIosxr = definePlatform({
  id: 'cisco-iosxr',
  displayName: 'Cisco IOS XR',
  render: renderCiscoIosxr,
  passwords: { maxLength: null },
  scope: 'session',
  removal: { kind: 'commands', render: removeCiscoIosxr },
  check: null,
});
