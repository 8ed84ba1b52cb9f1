import { definePlatform } from '../platform';
import { emptiedGroups, headline, type PreparedConfig } from '../prepare';

/** Junos (curly-brace configuration): a BGP group per peer group and family, bound to the operator's
 * import and export policies. Junos refuses to commit a group whose policy is not defined.
 */
export function renderJunos(c: PreparedConfig): string {
  const family = (v: 'ipv4' | 'ipv6') => (v === 'ipv4' ? 'inet' : 'inet6');
  const out = [
    `/* ${headline(c, 'junos')} */`,
    'routing-options {',
    `    router-id ${c.routerId};`,
    `    autonomous-system ${c.asn};`,
    '}',
    'protocols {',
    '    bgp {',
  ];
  for (const g of c.groups) {
    out.push(
      `        group ${g.name} {`,
      '            type external;',
      `            import ${g.importPolicy};`,
      `            export ${g.exportPolicy};`,
      `            family ${family(g.version)} {`,
      '                unicast;',
      '            }',
    );
    for (const s of g.sessions) {
      if (s.comment) out.push(`            /* ${s.comment} */`);
      out.push(`            neighbor ${s.ip} {`, `                description "${s.description}";`);
      if (s.sourceIp) out.push(`                local-address ${s.sourceIp};`);
      if (s.multihop !== null)
        out.push(`                multihop {`, `                    ttl ${s.multihop};`, '                }');
      if (s.password) out.push(`                authentication-key "${s.password}";`);
      if (s.prefixLimit !== null) {
        out.push(
          `                family ${family(s.version)} {`,
          '                    unicast {',
          '                        prefix-limit {',
          `                            maximum ${s.prefixLimit};`,
          // Without teardown Junos only logs when the limit is passed; every other platform drops the session.
          '                            teardown;',
          '                        }',
          '                    }',
          '                }',
        );
      }
      if (s.localAs !== null) out.push(`                local-as ${s.localAs};`);
      out.push(`                peer-as ${s.peerAsn};`, '            }');
    }
    out.push('        }');
  }
  out.push('    }', '}');
  return `${out.join('\n')}\n`;
}

/** `delete` statements (set form): the neighbor in its group, or the whole group it leaves empty. */
export function removeJunos(removed: PreparedConfig, remaining: PreparedConfig): string {
  const emptied = new Set(emptiedGroups(removed, remaining).map((g) => g.name));
  const out: string[] = [];
  for (const g of removed.groups) {
    if (emptied.has(g.name)) out.push(`delete protocols bgp group ${g.name}`);
    else for (const s of g.sessions) out.push(`delete protocols bgp group ${g.name} neighbor ${s.ip}`);
  }
  return `${out.join('\n')}\n`;
}

export const junos = definePlatform({
  id: 'junos',
  displayName: 'Junos',
  render: renderJunos,
  passwords: { maxLength: null },
  scope: 'session',
  removal: { kind: 'commands', render: removeJunos },
  check: null,
});
