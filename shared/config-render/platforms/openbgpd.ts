import { definePlatform } from '../platform';
import { BOGON_ASNS, BOGONS_V4, BOGONS_V6, PREFIX_LENGTHS } from '../policy';
import { cutAtWord, headline, type PreparedConfig, type PreparedGroup, RenderError } from '../prepare';

/** OpenBGPD refuses descriptions longer than this. */
const DESCR_MAX = 31;

/** OpenBGPD bgpd.conf: a group block per peer group and address family. bgpd names no policies: a
 * managed group's policy is the filter rules written here (`deny quick` for each check, one `allow`
 * per session carrying its IRR set and its tags; bgpd denies what no rule allows), named in a
 * comment. For a group whose policy is `external` the operator writes the rules matching `from
 * group` and `to group`; no deny rule is written for it, since one placed after the operator's rules
 * (the last matching rule decides) would cancel them.
 */
export function renderOpenbgpd(c: PreparedConfig): string {
  const out = [`# ${headline(c, 'openbgpd')}`, `AS ${c.asn}`, `router-id ${c.routerId}`, ''];
  const managed = c.groups.filter((g) => g.managed);
  if (managed.length > 0) out.push(...sets(c));
  for (const g of c.groups) {
    out.push(`group "${g.name}" {`);
    for (const s of g.sessions) {
      if (s.comment) out.push(`\t# ${s.comment}`);
      out.push(
        `\tneighbor ${s.ip} {`,
        `\t\tremote-as ${s.peerAsn}`,
        `\t\tdescr "${cutAtWord(s.description, DESCR_MAX)}"`,
      );
      if (s.localAs !== null) out.push(`\t\tlocal-as ${s.localAs}`);
      if (s.sourceIp) out.push(`\t\tlocal-address ${s.sourceIp}`);
      if (s.multihop !== null) out.push(`\t\tmultihop ${s.multihop}`);
      if (s.prefixLimit !== null) out.push(`\t\tmax-prefix ${s.prefixLimit} restart 15`);
      if (s.password) out.push(`\t\ttcp md5sig password "${s.password}"`);
      if (s.policy) out.push(`\t\tannounce policy ${s.policy.role}`);
      // bgpd checks the first AS of eBGP paths itself (on by default); a route server leaves it out.
      if (s.policy) out.push(`\t\tenforce neighbor-as ${s.policy.firstAs ? 'yes' : 'no'}`);
      out.push('\t}');
    }
    out.push('}', '');
  }
  for (const g of c.groups) {
    if (g.managed) {
      out.push(...rules(c, g));
      continue;
    }
    out.push(
      `# ${g.name}: import ${g.importPolicy}, export ${g.exportPolicy}: the operator's rules for`,
      `# "from group ${g.name}" and "to group ${g.name}"; without them bgpd denies (its default)`,
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function sets(c: PreparedConfig): string[] {
  const out: string[] = [];
  for (const r of c.rtr) {
    if (!r.address) throw new RenderError(`OpenBGPD takes an RTR server by address, not by name (${r.host})`);
    out.push(`rtr ${r.host} {`, `\tdescr "${r.name}"`, `\tport ${r.port}`, '}');
  }
  out.push('# peerflow routing policy: bogons (RFC 6890 registries), bogon AS numbers, our prefixes');
  out.push('prefix-set pf_bogons {', ...[...BOGONS_V4, ...BOGONS_V6].map((p) => `\t${p} or-longer`), '}');
  const own = [...c.ownPrefixes.ipv4, ...c.ownPrefixes.ipv6];
  if (own.length > 0) out.push('prefix-set pf_own {', ...own.map((p) => `\t${p}`), '}');
  for (const g of c.groups) {
    for (const s of g.sessions) {
      const irr = s.policy?.irr;
      if (irr?.kind === 'list') {
        out.push(`# ${irr.note}`, `prefix-set ${irr.name} {`, ...irr.prefixes.map((p) => `\t${p}`), '}');
      }
    }
  }
  out.push('');
  return out;
}

function rules(c: PreparedConfig, g: PreparedGroup): string[] {
  const from = `from group "${g.name}"`;
  const { min, max } = PREFIX_LENGTHS[g.version];
  const any = g.version === 'ipv4' ? '0.0.0.0/0' : '::/0';
  const out = [
    `# ${g.name}: import ${g.importPolicy}, export ${g.exportPolicy}, written by peerflow`,
    `deny quick ${from} prefix-set pf_bogons`,
    `deny quick ${from} prefix ${any} prefixlen > ${max}`,
    `deny quick ${from} prefix ${any} prefixlen < ${min}`,
  ];
  if (c.ownPrefixes.ipv4.length + c.ownPrefixes.ipv6.length > 0) {
    out.push(`deny quick ${from} prefix-set pf_own or-longer`);
  }
  for (const [lo, hi] of BOGON_ASNS) out.push(`deny quick ${from} AS ${lo === hi ? lo : `${lo} - ${hi}`}`);
  if (c.rtr.length > 0) out.push(`deny quick ${from} ovs invalid`);
  for (const s of g.sessions) {
    const p = s.policy!;
    if (p.irr?.kind === 'deny') {
      out.push(`# ${p.irr.note}`, `deny quick from ${s.ip}`);
      continue;
    }
    const only = p.irr?.kind === 'list' ? ` prefix-set ${p.irr.name}` : '';
    const tags = p.communities.map((v) => `large-community ${v}`).join(' ');
    out.push(`allow from ${s.ip}${only} set { ${tags} }`);
  }
  if (c.ownPrefixes.ipv4.length + c.ownPrefixes.ipv6.length > 0) {
    out.push(`allow to group "${g.name}" prefix-set pf_own`);
  } else {
    out.push('# no own prefixes in the settings: nothing to announce (bgpd denies by default)');
  }
  out.push('');
  return out;
}

export const openbgpd = definePlatform({
  id: 'openbgpd',
  displayName: 'OpenBGPD',
  render: renderOpenbgpd,
  passwords: { maxLength: null },
  scope: 'session',
  // The daemon reads a file: the removal is the file without the session, then a reload.
  removal: { kind: 'config' },
  check: {
    command: 'bgpd',
    args: (file) => ['-n', '-f', file],
    okExitCode: 0,
    declares: {
      group: /^group "([^"]*)" \{$/gm,
      neighbor: /^\tneighbor (\S+) \{$/gm,
      anyNeighbor: /^\s*neighbor\b/gm,
      anyNeighborLines: 1,
    },
  },
});
