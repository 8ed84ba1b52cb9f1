import { definePlatform } from '../platform';
import { BOGONS_V4, BOGONS_V6, PREFIX_LENGTHS } from '../policy';
import { headline, type PreparedConfig, type PreparedGroup } from '../prepare';
import { bogonAsPathRegex } from '../route-maps';

/** GoBGP (TOML): peer groups carry the address family, neighbors their own prefix limit.
 * GoBGP applies the policies of a peer that is not a route-server client at the global RIB only, so
 * every group's policies are listed there, with a neighbor set per group (and per session of a
 * managed group) to match on; a route no policy accepts is rejected. A managed group's policies are
 * written here: statements rejecting each check, the session's own checks and tags, then an accept.
 * GoBGP has no RFC 9234 roles. gobgpd refuses undefined policy names.
 */
export function renderGobgp(c: PreparedConfig): string {
  const family = (v: 'ipv4' | 'ipv6') => `${v}-unicast`;
  const out = [
    `# ${headline(c, 'gobgp')}`,
    '[global.config]',
    `  as = ${c.asn}`,
    `  router-id = "${c.routerId}"`,
    '[global.apply-policy.config]',
    `  import-policy-list = [${c.groups.map((g) => `"${g.importPolicy}"`).join(', ')}]`,
    '  default-import-policy = "reject-route"',
    `  export-policy-list = [${c.groups.map((g) => `"${g.exportPolicy}"`).join(', ')}]`,
    '  default-export-policy = "reject-route"',
    '',
  ];
  if (c.groups.some((g) => g.managed)) {
    for (const r of c.rtr) {
      out.push(
        '[[rpki-servers]]',
        '  [rpki-servers.config]',
        `    address = "${r.host}"`,
        `    port = ${r.port}`,
        '',
      );
    }
  }
  for (const g of c.groups) {
    out.push(
      '[[peer-groups]]',
      '  [peer-groups.config]',
      `    peer-group-name = "${g.name}"`,
      '  [[peer-groups.afi-safis]]',
      '    [peer-groups.afi-safis.config]',
      `      afi-safi-name = "${family(g.version)}"`,
      '',
    );
  }
  for (const g of c.groups) {
    const members = g.sessions.map((s) => `"${s.ip}"`).join(', ');
    out.push(
      '[[defined-sets.neighbor-sets]]',
      `  neighbor-set-name = "${g.name}"`,
      `  neighbor-info-list = [${members}]`,
      '',
    );
    for (const s of g.managed ? g.sessions : []) {
      out.push(
        '[[defined-sets.neighbor-sets]]',
        `  neighbor-set-name = "${s.symbol}"`,
        `  neighbor-info-list = ["${s.ip}"]`,
        '',
      );
    }
  }
  if (c.groups.some((g) => g.managed)) out.push(...definedSets(c));
  for (const g of c.groups.filter((x) => x.managed)) out.push(...policies(c, g));
  for (const g of c.groups) {
    for (const s of g.sessions) {
      if (s.comment) out.push(`# ${s.comment}`);
      out.push(
        '[[neighbors]]',
        '  [neighbors.config]',
        `    neighbor-address = "${s.ip}"`,
        `    peer-as = ${s.peerAsn}`,
        `    description = "${s.description}"`,
        `    peer-group = "${g.name}"`,
      );
      if (s.localAs !== null) out.push(`    local-as = ${s.localAs}`);
      if (s.password) out.push(`    auth-password = "${s.password}"`);
      if (s.sourceIp) out.push('  [neighbors.transport.config]', `    local-address = "${s.sourceIp}"`);
      if (s.multihop !== null) {
        out.push(
          '  [neighbors.ebgp-multihop.config]',
          '    enabled = true',
          `    multihop-ttl = ${s.multihop}`,
        );
      }
      out.push('  [[neighbors.afi-safis]]', '    [neighbors.afi-safis.config]');
      out.push(`      afi-safi-name = "${family(s.version)}"`);
      if (s.prefixLimit !== null) {
        out.push('    [neighbors.afi-safis.prefix-limit.config]', `      max-prefixes = ${s.prefixLimit}`);
      }
      out.push('');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export const gobgp = definePlatform({
  id: 'gobgp',
  displayName: 'GoBGP',
  render: renderGobgp,
  passwords: { maxLength: null },
  // The policy assignment is global (`global.apply-policy`, the groups' neighbor sets): a config of
  // one session would replace it with that session's alone and leave every other peer to the reject
  // default, so a session's config is its router's whole config.
  scope: 'router',
  removal: { kind: 'config' },
  check: {
    command: 'gobgpd',
    args: (file) => ['-d', '-f', file, '-t', 'toml'],
    okExitCode: 0,
    // gobgpd ignores its whole policy assignment when a listed policy is undefined: a group whose
    // policy is `external` names the operator's, here rejecting all.
    operatorPolicies: (names) => ({ before: '', after: `${names.map(rejectAll).join('\n')}\n` }),
    declares: {
      group: /^ {4}peer-group-name = "([^"]*)"$/gm,
      neighbor: /^ {4}neighbor-address = "([^"]*)"$/gm,
      anyNeighbor: /^\s*(neighbor-address|\[\[neighbors\]\])/gm,
      anyNeighborLines: 2,
    },
  },
});

const suffix = (v: 'ipv4' | 'ipv6') => (v === 'ipv4' ? 'v4' : 'v6');

function prefixSet(name: string, entries: readonly { prefix: string; range: string }[]): string[] {
  const out = ['[[defined-sets.prefix-sets]]', `  prefix-set-name = "${name}"`];
  for (const e of entries) {
    out.push('  [[defined-sets.prefix-sets.prefix-list]]', `    ip-prefix = "${e.prefix}"`);
    out.push(`    masklength-range = "${e.range}"`);
  }
  out.push('');
  return out;
}

const exact = (p: string) => ({ prefix: p, range: `${p.split('/')[1]}..${p.split('/')[1]}` });
const orLonger = (p: string, bits: number) => ({ prefix: p, range: `${p.split('/')[1]}..${bits}` });

function definedSets(c: PreparedConfig): string[] {
  const out: string[] = [];
  for (const v of ['ipv4', 'ipv6'] as const) {
    const { min, max, bits } = PREFIX_LENGTHS[v];
    const any = v === 'ipv4' ? '0.0.0.0/0' : '::/0';
    out.push(
      ...prefixSet(
        `pf_bogons_${suffix(v)}`,
        (v === 'ipv4' ? BOGONS_V4 : BOGONS_V6).map((p) => orLonger(p, bits)),
      ),
    );
    out.push(
      ...prefixSet(`pf_length_${suffix(v)}`, [
        { prefix: any, range: `${max + 1}..${bits}` },
        { prefix: any, range: `0..${min - 1}` },
      ]),
    );
    if (c.ownPrefixes[v].length > 0) {
      out.push(...prefixSet(`pf_own_${suffix(v)}`, c.ownPrefixes[v].map(exact)));
      out.push(
        ...prefixSet(
          `pf_own_more_${suffix(v)}`,
          c.ownPrefixes[v].map((p) => orLonger(p, bits)),
        ),
      );
    }
  }
  for (const g of c.groups) {
    for (const s of g.sessions) {
      const irr = s.policy?.irr;
      if (irr?.kind === 'list') out.push(`# ${irr.note}`, ...prefixSet(irr.name, irr.prefixes.map(exact)));
    }
  }
  out.push(
    '[[defined-sets.bgp-defined-sets.as-path-sets]]',
    '  as-path-set-name = "pf_bogon_asns"',
    `  as-path-list = ["${bogonAsPathRegex()}"]`,
    '',
  );
  for (const g of c.groups) {
    for (const s of g.sessions) {
      if (!s.policy?.firstAs) continue;
      out.push(
        '[[defined-sets.bgp-defined-sets.as-path-sets]]',
        `  as-path-set-name = "${s.symbol}_first"`,
        `  as-path-list = ["^${s.peerAsn}_"]`,
        '',
      );
    }
  }
  return out;
}

interface Statement {
  name: string;
  neighbors: string;
  prefixSet?: { name: string; invert?: boolean };
  asPathSet?: { name: string; invert?: boolean };
  rpkiInvalid?: boolean;
  disposition: 'accept-route' | 'reject-route' | null;
  largeCommunities?: readonly string[];
  note?: string;
}

function statement(st: Statement): string[] {
  const base = '    [policy-definitions.statements';
  const out = ['  [[policy-definitions.statements]]', `    name = "${st.name}"`];
  if (st.note) out.push(`    # ${st.note}`);
  out.push(`${base}.conditions.match-neighbor-set]`, `      neighbor-set = "${st.neighbors}"`);
  if (st.prefixSet) {
    out.push(`${base}.conditions.match-prefix-set]`, `      prefix-set = "${st.prefixSet.name}"`);
    if (st.prefixSet.invert) out.push('      match-set-options = "invert"');
  }
  if (st.asPathSet) {
    out.push(
      `${base}.conditions.bgp-conditions.match-as-path-set]`,
      `      as-path-set = "${st.asPathSet.name}"`,
    );
    if (st.asPathSet.invert) out.push('      match-set-options = "invert"');
  }
  if (st.rpkiInvalid)
    out.push(`${base}.conditions.bgp-conditions]`, '      rpki-validation-result = "invalid"');
  if (st.disposition) out.push(`${base}.actions]`, `      route-disposition = "${st.disposition}"`);
  if (st.largeCommunities) {
    out.push(
      `${base}.actions.bgp-actions.set-large-community]`,
      '      options = "add"',
      `${base}.actions.bgp-actions.set-large-community.set-large-community-method]`,
      `        communities-list = [${st.largeCommunities.map((v) => `"${v}"`).join(', ')}]`,
    );
  }
  return out;
}

function policies(c: PreparedConfig, g: PreparedGroup): string[] {
  const v = suffix(g.version);
  const reject = 'reject-route' as const;
  const all: Statement[] = [
    {
      name: `${g.importPolicy}_bogons`,
      neighbors: g.name,
      prefixSet: { name: `pf_bogons_${v}` },
      disposition: reject,
    },
    {
      name: `${g.importPolicy}_length`,
      neighbors: g.name,
      prefixSet: { name: `pf_length_${v}` },
      disposition: reject,
    },
  ];
  if (c.ownPrefixes[g.version].length > 0) {
    all.push({
      name: `${g.importPolicy}_own`,
      neighbors: g.name,
      prefixSet: { name: `pf_own_more_${v}` },
      disposition: reject,
    });
  }
  all.push({
    name: `${g.importPolicy}_bogon_asns`,
    neighbors: g.name,
    asPathSet: { name: 'pf_bogon_asns' },
    disposition: reject,
  });
  if (c.rtr.length > 0)
    all.push({ name: `${g.importPolicy}_rpki`, neighbors: g.name, rpkiInvalid: true, disposition: reject });
  for (const s of g.sessions) {
    const p = s.policy!;
    if (p.firstAs) {
      all.push({
        name: `${p.importPolicy}_first_as`,
        neighbors: s.symbol,
        asPathSet: { name: `${s.symbol}_first`, invert: true },
        disposition: reject,
      });
    }
    if (p.irr?.kind === 'list') {
      all.push({
        name: `${p.importPolicy}_irr`,
        neighbors: s.symbol,
        prefixSet: { name: p.irr.name, invert: true },
        disposition: reject,
      });
    }
    if (p.irr?.kind === 'deny')
      all.push({
        name: `${p.importPolicy}_irr_deny`,
        neighbors: s.symbol,
        disposition: reject,
        note: p.irr.note,
      });
    all.push({
      name: `${p.importPolicy}_tags`,
      neighbors: s.symbol,
      disposition: null,
      largeCommunities: p.communities,
    });
  }
  all.push({ name: `${g.importPolicy}_accept`, neighbors: g.name, disposition: 'accept-route' });
  const out = ['[[policy-definitions]]', `  name = "${g.importPolicy}"`];
  for (const st of all) out.push(...statement(st));
  out.push('', '[[policy-definitions]]', `  name = "${g.exportPolicy}"`);
  if (c.ownPrefixes[g.version].length > 0) {
    out.push(
      ...statement({
        name: `${g.exportPolicy}_own`,
        neighbors: g.name,
        prefixSet: { name: `pf_own_${v}` },
        disposition: 'accept-route',
      }),
    );
  } else {
    out.push('  # no own prefixes in the settings: nothing to announce');
    out.push(...statement({ name: `${g.exportPolicy}_none`, neighbors: g.name, disposition: reject }));
  }
  out.push('');
  return out;
}

/** A policy definition rejecting every route: the operator's stand-in for a check. */
function rejectAll(name: string): string {
  return [
    '',
    '[[policy-definitions]]',
    `  name = "${name}"`,
    '  [[policy-definitions.statements]]',
    `    name = "${name}_reject"`,
    '    [policy-definitions.statements.actions]',
    '      route-disposition = "reject-route"',
  ].join('\n');
}
