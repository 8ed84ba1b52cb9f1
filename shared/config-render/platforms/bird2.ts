import { definePlatform } from '../platform';
import { headline, type PreparedConfig, type PreparedGroup, type PreparedSession } from '../prepare';
import { BOGON_ASNS, BOGONS_V4, BOGONS_V6, PREFIX_LENGTHS } from '../policy';

const ROA_TABLE = { ipv4: 'pf_roa4', ipv6: 'pf_roa6' } as const;
const BOGONS = { ipv4: BOGONS_V4, ipv6: BOGONS_V6 } as const;
const suffix = (v: 'ipv4' | 'ipv6') => (v === 'ipv4' ? 'v4' : 'v6');

/** BIRD 2: a template per group and address family, a protocol per session inheriting it. A group
 * whose policy is peerflow's gets its filters written here (`<group>_in`, `<group>_out`, and the
 * function `<group>_in_ok` holding the checks every session of the group shares); each session runs
 * its own import filter (`<symbol>_in`: first AS, IRR list, tags) before the group's checks. A group
 * whose policy is `external` only names the operator's filters; BIRD refuses an undefined one.
 */
export function renderBird2(c: PreparedConfig): string {
  const out = [`# ${headline(c, 'bird2')}`, `router id ${c.routerId};`, ''];
  if (c.groups.some((g) => g.managed)) out.push(...definitions(c));
  for (const g of c.groups) {
    const channel = g.version;
    if (g.managed) out.push(...groupFilters(c, g));
    out.push(
      `template bgp ${g.name} {`,
      `  local as ${c.asn};`,
      `  ${channel} {`,
      `    import filter ${g.importPolicy};`,
      `    export filter ${g.exportPolicy};`,
      '  };',
      '}',
      '',
    );
    for (const s of g.sessions) {
      if (s.policy) out.push(...sessionFilter(g, s));
      if (s.comment) out.push(`# ${s.comment}`);
      out.push(`protocol bgp ${s.symbol} from ${g.name} {`, `  description "${s.description}";`);
      if (s.localAs !== null) out.push(`  local as ${s.localAs};`);
      if (s.sourceIp) out.push(`  source address ${s.sourceIp};`);
      out.push(`  neighbor ${s.ip} as ${s.peerAsn};`);
      if (s.policy) out.push(`  local role ${s.policy.role.replace('-', '_')};`);
      if (s.multihop !== null) out.push(`  multihop ${s.multihop};`);
      if (s.password) out.push(`  password "${s.password}";`);
      if (s.prefixLimit !== null || s.policy) {
        out.push(`  ${channel} {`);
        if (s.policy) out.push(`    import filter ${s.policy.importPolicy};`);
        if (s.prefixLimit !== null) out.push(`    import limit ${s.prefixLimit} action restart;`);
        out.push('  };');
      }
      out.push('}', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** What every managed group shares: the bogon sets, our prefixes, and the RPKI tables and sessions. */
function definitions(c: PreparedConfig): string[] {
  const out = ['# peerflow routing policy: bogons (RFC 6890 registries), bogon AS numbers, our prefixes'];
  for (const v of ['ipv4', 'ipv6'] as const) {
    out.push(`define pf_bogons_${suffix(v)} = [ ${BOGONS[v].map((p) => `${p}+`).join(', ')} ];`);
    if (c.ownPrefixes[v].length > 0) {
      out.push(`define pf_own_${suffix(v)} = [ ${c.ownPrefixes[v].join(', ')} ];`);
      out.push(`define pf_own_more_${suffix(v)} = [ ${c.ownPrefixes[v].map((p) => `${p}+`).join(', ')} ];`);
    }
  }
  const asns = BOGON_ASNS.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}..${hi}`)).join(', ');
  out.push(`define pf_bogon_asns = [ ${asns} ];`, '');
  if (c.rtr.length > 0) {
    out.push(`roa4 table ${ROA_TABLE.ipv4};`, `roa6 table ${ROA_TABLE.ipv6};`);
    for (const r of c.rtr) {
      out.push(
        `protocol rpki ${r.name} {`,
        `  roa4 { table ${ROA_TABLE.ipv4}; };`,
        `  roa6 { table ${ROA_TABLE.ipv6}; };`,
        `  remote "${r.host}" port ${r.port};`,
        '  retry keep 90;',
        '  refresh keep 900;',
        '  expire keep 172800;',
        '}',
      );
    }
    out.push('');
  }
  return out;
}

function groupFilters(c: PreparedConfig, g: PreparedGroup): string[] {
  const v = g.version;
  const { min, max } = PREFIX_LENGTHS[v];
  const out = [
    `function ${g.name}_in_ok() {`,
    `  if net ~ pf_bogons_${suffix(v)} then return false;`,
    `  if net.len > ${max} || net.len < ${min} then return false;`,
  ];
  if (c.ownPrefixes[v].length > 0) out.push(`  if net ~ pf_own_more_${suffix(v)} then return false;`);
  out.push('  if bgp_path ~ [= * pf_bogon_asns * =] then return false;');
  if (c.rtr.length > 0) {
    out.push(`  if roa_check(${ROA_TABLE[v]}, net, bgp_path.last) = ROA_INVALID then return false;`);
  }
  out.push(
    '  return true;',
    '}',
    `filter ${g.importPolicy} {`,
    `  if ${g.name}_in_ok() then accept;`,
    '  reject;',
    '}',
    `filter ${g.exportPolicy} {`,
  );
  if (c.ownPrefixes[v].length > 0) out.push(`  if net ~ pf_own_${suffix(v)} then accept;`);
  else out.push('  # no own prefixes in the settings: nothing to announce');
  out.push('  reject;', '}', '');
  return out;
}

function sessionFilter(g: PreparedGroup, s: PreparedSession): string[] {
  const p = s.policy!;
  const out: string[] = [];
  if (p.irr?.kind === 'list') {
    out.push(`# ${p.irr.note}`, `define ${p.irr.name} = [ ${p.irr.prefixes.join(', ')} ];`);
  }
  out.push(`filter ${p.importPolicy} {`);
  if (p.firstAs) out.push(`  if bgp_path.first != ${s.peerAsn} then reject;`);
  if (p.irr?.kind === 'list') out.push(`  if net !~ ${p.irr.name} then reject;`);
  if (p.irr?.kind === 'deny') out.push(`  # ${p.irr.note}`, '  reject;');
  else {
    for (const community of p.communities) {
      out.push(`  bgp_large_community.add((${community.split(':').join(', ')}));`);
    }
    out.push(`  if ${g.name}_in_ok() then accept;`, '  reject;');
  }
  out.push('}');
  return out;
}

export const bird2 = definePlatform({
  id: 'bird2',
  displayName: 'BIRD 2',
  render: renderBird2,
  passwords: { maxLength: null },
  scope: 'session',
  // The daemon reads a file: the removal is the file without the session, then a reload.
  removal: { kind: 'config' },
  check: {
    command: 'bird',
    args: (file) => ['-p', '-c', file],
    okExitCode: 0,
    // A group whose policy is `external` names the operator's filters: here they reject all.
    operatorPolicies: (names) => ({
      before: names.map((n) => `filter ${n} { reject; }\n`).join(''),
      after: '',
    }),
    declares: {
      group: /^template bgp (\S+) \{$/gm,
      neighbor: /^ {2}neighbor (\S+) as \d+;$/gm,
      anyNeighbor: /^\s*(neighbor|protocol bgp)\b/gm,
      anyNeighborLines: 2,
    },
  },
});
