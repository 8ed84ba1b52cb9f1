import { definePlatform } from '../platform';
import { cutAtWord, headline, type PreparedConfig } from '../prepare';

/** OpenBGPD refuses descriptions longer than this. */
const DESCR_MAX = 31;

/** OpenBGPD bgpd.conf: a group block per peer group and address family. bgpd names no policies: a
 * group's policy is the operator's filter rules matching `from group` and `to group`, named in a
 * comment per group. bgpd's default action is to deny, so a group without allow rules exchanges
 * nothing; no deny rule is written here, since one placed after the operator's rules (the last
 * matching rule decides) would cancel them.
 */
export function renderOpenbgpd(c: PreparedConfig): string {
  const out = [`# ${headline(c, 'openbgpd')}`, `AS ${c.asn}`, `router-id ${c.routerId}`, ''];
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
      out.push('\t}');
    }
    out.push('}', '');
  }
  for (const g of c.groups) {
    out.push(
      `# ${g.name}: import ${g.importPolicy}, export ${g.exportPolicy}: the operator's rules for`,
      `# "from group ${g.name}" and "to group ${g.name}"; without them bgpd denies (its default)`,
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
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
