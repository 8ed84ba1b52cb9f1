import { definePlatform } from '../platform';
import { BOGONS_V4, BOGONS_V6, PREFIX_LENGTHS } from '../policy';
import {
  emptiedGroups,
  headline,
  type PreparedConfig,
  type PreparedGroup,
  removalHeadline,
} from '../prepare';
import { bogonAsPathRegex } from '../route-maps';

const suffix = (v: 'ipv4' | 'ipv6') => (v === 'ipv4' ? 'v4' : 'v6');

function prefixSet(name: string, entries: readonly string[]): string[] {
  return [
    `prefix-set ${name}`,
    ...entries.map((e, i) => `  ${e}${i < entries.length - 1 ? ',' : ''}`),
    'end-set',
    '!',
  ];
}

/** Sets and route policies of the managed groups and their sessions (RPL), before `router bgp`. */
function routePolicies(c: PreparedConfig): string[] {
  const managed = c.groups.filter((g) => g.managed);
  if (managed.length === 0) return [];
  const out = ['! peerflow routing policy: bogons (RFC 6890 registries), lengths, our prefixes'];
  for (const v of new Set(managed.map((g) => g.version))) {
    const { bits } = PREFIX_LENGTHS[v];
    out.push(
      ...prefixSet(
        `pf_bogons_${suffix(v)}`,
        (v === 'ipv4' ? BOGONS_V4 : BOGONS_V6).map((p) => `${p} le ${bits}`),
      ),
    );
    if (c.ownPrefixes[v].length > 0) {
      out.push(...prefixSet(`pf_own_${suffix(v)}`, c.ownPrefixes[v]));
      out.push(
        ...prefixSet(
          `pf_own_more_${suffix(v)}`,
          c.ownPrefixes[v].map((p) => `${p} le ${bits}`),
        ),
      );
    }
  }
  out.push('as-path-set pf_bogon_asns', `  ios-regex '${bogonAsPathRegex()}'`, 'end-set', '!');
  for (const g of managed) out.push(...groupPolicies(c, g));
  return out;
}

function groupPolicies(c: PreparedConfig, g: PreparedGroup): string[] {
  const v = g.version;
  const { min, max } = PREFIX_LENGTHS[v];
  const any = v === 'ipv4' ? '0.0.0.0/0' : '::/0';
  const out = [
    `route-policy ${g.importPolicy}`,
    `  if destination in pf_bogons_${suffix(v)} then`,
    '    drop',
    '  endif',
    `  if destination in (${any} ge ${max + 1}, ${any} le ${min - 1}) then`,
    '    drop',
    '  endif',
  ];
  if (c.ownPrefixes[v].length > 0)
    out.push(`  if destination in pf_own_more_${suffix(v)} then`, '    drop', '  endif');
  out.push('  if as-path in pf_bogon_asns then', '    drop', '  endif');
  if (c.rtr.length > 0) out.push('  if validation-state is invalid then', '    drop', '  endif');
  out.push('  pass', 'end-policy', '!', `route-policy ${g.exportPolicy}`);
  if (c.ownPrefixes[v].length > 0)
    out.push(`  if destination in pf_own_${suffix(v)} then`, '    pass', '  endif');
  else out.push('  # no own prefixes in the settings: nothing to announce');
  out.push('  drop', 'end-policy', '!');
  for (const s of g.sessions) {
    const p = s.policy!;
    if (p.irr?.kind === 'list') out.push(`! ${p.irr.note}`, ...prefixSet(p.irr.name, p.irr.prefixes));
    out.push(`route-policy ${p.importPolicy}`);
    if (p.firstAs) out.push(`  if not as-path neighbor-is '${s.peerAsn}' then`, '    drop', '  endif');
    if (p.irr?.kind === 'list') out.push(`  if not destination in ${p.irr.name} then`, '    drop', '  endif');
    if (p.irr?.kind === 'deny') out.push(`  # ${p.irr.note}`, '  drop');
    else {
      out.push(`  set large-community (${p.communities.join(', ')}) additive`, `  apply ${g.importPolicy}`);
    }
    out.push('end-policy', '!');
  }
  return out;
}

/** Cisco IOS XR: a neighbor-group per peer group and family; each neighbor uses its group.
 * `update-source` takes an interface here, not an address: the source address stays with the
 * interface configuration. A managed neighbor-group's route policies are written here (RPL); a
 * session applies its own, which applies the group's. A group whose policy is `external` names the
 * operator's: XR refuses to commit a reference to an undefined policy, and drops eBGP routes when
 * none is applied. No RFC 9234 roles here.
 */
export function renderCiscoIosxr(c: PreparedConfig): string {
  const family = (v: 'ipv4' | 'ipv6') => `${v} unicast`;
  const out = [`! ${headline(c, 'cisco-iosxr')}`, ...routePolicies(c)];
  out.push(`router bgp ${c.asn}`, ` bgp router-id ${c.routerId}`);
  if (c.groups.some((g) => g.managed)) {
    for (const r of c.rtr) out.push(` rpki server ${r.host}`, `  transport tcp port ${r.port}`, ' !');
  }
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
      if (s.policy) out.push(`   route-policy ${s.policy.importPolicy} in`);
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
  // The sessions' own route policies and IRR sets, once no neighbor uses them.
  for (const g of removed.groups) {
    for (const s of g.sessions) {
      if (!s.policy) continue;
      out.push(`no route-policy ${s.policy.importPolicy}`);
      if (s.policy.irr?.kind === 'list') out.push(`no prefix-set ${s.policy.irr.name}`);
    }
  }
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
