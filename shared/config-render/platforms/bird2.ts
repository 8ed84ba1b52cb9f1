import { definePlatform } from '../platform';
import { headline, type PreparedConfig } from '../prepare';

/** BIRD 2: a template per group and address family, a protocol per session inheriting it. The
 * template's channel runs the operator's filters; BIRD refuses a config naming an undefined filter.
 */
export function renderBird2(c: PreparedConfig): string {
  const out = [`# ${headline(c, 'bird2')}`, `router id ${c.routerId};`, ''];
  for (const g of c.groups) {
    const channel = g.version;
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
      if (s.comment) out.push(`# ${s.comment}`);
      out.push(`protocol bgp ${s.symbol} from ${g.name} {`, `  description "${s.description}";`);
      if (s.localAs !== null) out.push(`  local as ${s.localAs};`);
      if (s.sourceIp) out.push(`  source address ${s.sourceIp};`);
      out.push(`  neighbor ${s.ip} as ${s.peerAsn};`);
      if (s.multihop !== null) out.push(`  multihop ${s.multihop};`);
      if (s.password) out.push(`  password "${s.password}";`);
      if (s.prefixLimit !== null) {
        out.push(`  ${channel} {`, `    import limit ${s.prefixLimit} action restart;`, '  };');
      }
      out.push('}', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
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
    // BIRD refuses a filter it does not know: the operator's filters come first (here: reject all).
    operatorPolicies: (names) => ({
      before: names.map((n) => `filter ${n} { reject; }\n`).join(''),
      after: '',
    }),
    declares: {
      group: /^template bgp (\S+) \{$/gm,
      neighbor: /^ {2}neighbor (\S+) as \d+;$/gm,
      anyNeighbor: /^\s*(neighbor|protocol)\b/gm,
      anyNeighborLines: 2,
    },
  },
});
