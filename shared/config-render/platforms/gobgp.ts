import { definePlatform } from '../platform';
import { headline, type PreparedConfig } from '../prepare';

/** GoBGP (TOML): peer groups carry the address family, neighbors their own prefix limit.
 * GoBGP applies the policies of a peer that is not a route-server client at the global RIB only, so
 * every group's policies are listed there, with a neighbor set per group for the operator's policies
 * to match on; a route no policy accepts is rejected. gobgpd refuses undefined policy names.
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
  }
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
    // gobgpd ignores its whole policy assignment when a listed policy is undefined.
    operatorPolicies: (names) => ({ before: '', after: `${names.map(rejectAll).join('\n')}\n` }),
    declares: {
      group: /^ {4}peer-group-name = "([^"]*)"$/gm,
      neighbor: /^ {4}neighbor-address = "([^"]*)"$/gm,
      anyNeighbor: /^\s*(neighbor-address|\[\[neighbors\]\])/gm,
      anyNeighborLines: 2,
    },
  },
});

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
