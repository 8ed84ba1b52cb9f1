import { definePlatform } from '../platform';
import { BOGON_ASNS, BOGONS_V4, BOGONS_V6, PREFIX_LENGTHS } from '../policy';
import { emptiedGroups, headline, type PreparedConfig, type PreparedGroup, RenderError } from '../prepare';

const suffix = (v: 'ipv4' | 'ipv6') => (v === 'ipv4' ? 'v4' : 'v6');
const I = (n: number) => ' '.repeat(n * 4);

function term(name: string, from: string[], then: string): string[] {
  const out = [`${I(2)}term ${name} {`];
  if (from.length > 0) out.push(`${I(3)}from {`, ...from.map((f) => `${I(4)}${f};`), `${I(3)}}`);
  out.push(`${I(3)}then ${then};`, `${I(2)}}`);
  return out;
}

/** The sets and policy statements of the managed groups and their sessions. */
function policyOptions(c: PreparedConfig): string[] {
  const managed = c.groups.filter((g) => g.managed);
  if (managed.length === 0) return [];
  const out = ['policy-options {'];
  for (const v of new Set(managed.map((g) => g.version))) {
    const bogons = v === 'ipv4' ? BOGONS_V4 : BOGONS_V6;
    out.push(
      `${I(1)}route-filter-list pf_bogons_${suffix(v)} {`,
      ...bogons.map((p) => `${I(2)}${p} orlonger;`),
      `${I(1)}}`,
    );
    if (c.ownPrefixes[v].length > 0) {
      out.push(
        `${I(1)}prefix-list pf_own_${suffix(v)} {`,
        ...c.ownPrefixes[v].map((p) => `${I(2)}${p};`),
        `${I(1)}}`,
      );
    }
  }
  const asns = BOGON_ASNS.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join('|');
  out.push(`${I(1)}as-path pf_bogon_asns ".* (${asns}) .*";`);
  for (const g of managed) out.push(...groupPolicies(c, g));
  out.push('}');
  return out;
}

function groupPolicies(c: PreparedConfig, g: PreparedGroup): string[] {
  const v = g.version;
  const { min, max, bits } = PREFIX_LENGTHS[v];
  const any = v === 'ipv4' ? '0.0.0.0/0' : '::/0';
  const own = c.ownPrefixes[v].length > 0;
  const out = [
    `${I(1)}policy-statement ${g.importPolicy} {`,
    ...term('bogons', [`route-filter-list pf_bogons_${suffix(v)}`], 'reject'),
    ...term(
      'length',
      [
        `route-filter ${any} prefix-length-range /${max + 1}-/${bits}`,
        `route-filter ${any} upto /${min - 1}`,
      ],
      'reject',
    ),
    ...(own ? term('own', [`prefix-list-filter pf_own_${suffix(v)} orlonger`], 'reject') : []),
    ...term('bogon_asns', ['as-path pf_bogon_asns'], 'reject'),
    ...(c.rtr.length > 0 ? term('rpki_invalid', ['validation-database invalid'], 'reject') : []),
    ...term('accept', [], 'accept'),
    `${I(1)}}`,
    `${I(1)}policy-statement ${g.exportPolicy} {`,
    ...(own ? term('own', [`prefix-list-filter pf_own_${suffix(v)} exact`], 'accept') : []),
    ...term('reject', [], 'reject'),
    `${I(1)}}`,
  ];
  for (const s of g.sessions) {
    const p = s.policy!;
    if (p.firstAs) out.push(`${I(1)}as-path ${s.symbol}_first "^${s.peerAsn} .*";`);
    if (p.irr?.kind === 'list') {
      out.push(
        `${I(1)}/* ${p.irr.note} */`,
        `${I(1)}prefix-list ${p.irr.name} {`,
        ...p.irr.prefixes.map((x) => `${I(2)}${x};`),
        `${I(1)}}`,
      );
    }
    out.push(
      `${I(1)}community ${s.symbol}_tags members [ ${p.communities.map((x) => `large:${x}`).join(' ')} ];`,
    );
    // Junos has no negated match: each check is its own statement in the neighbor's import chain
    // (`sessionChain`), passing a route on to the next policy or rejecting it.
    if (p.firstAs) {
      out.push(
        `${I(1)}policy-statement ${s.symbol}_first_as {`,
        ...term('first_as', [`as-path ${s.symbol}_first`], 'next policy'),
        ...term('other', [], 'reject'),
        `${I(1)}}`,
      );
    }
    if (p.irr) {
      out.push(`${I(1)}policy-statement ${s.symbol}_irr {`);
      if (p.irr.kind === 'list')
        out.push(...term('listed', [`prefix-list-filter ${p.irr.name} exact`], 'next policy'));
      else out.push(`${I(2)}/* ${p.irr.note} */`);
      out.push(...term('other', [], 'reject'), `${I(1)}}`);
    }
    out.push(
      `${I(1)}policy-statement ${p.importPolicy} {`,
      ...term('tags', [], `community add ${s.symbol}_tags`),
      `${I(1)}}`,
    );
  }
  return out;
}

/** A session's import chain: its checks, its tags, then its group's policy. */
function sessionChain(g: PreparedGroup, s: PreparedGroup['sessions'][number]): string {
  const p = s.policy!;
  const chain = [
    ...(p.firstAs ? [`${s.symbol}_first_as`] : []),
    ...(p.irr ? [`${s.symbol}_irr`] : []),
    p.importPolicy,
    g.importPolicy,
  ];
  return `[ ${chain.join(' ')} ]`;
}

/** The RTR sessions: Junos takes their addresses only. */
function validation(c: PreparedConfig): string[] {
  if (c.rtr.length === 0 || !c.groups.some((g) => g.managed)) return [];
  const out = [`${I(1)}validation {`, `${I(2)}group peerflow {`];
  for (const r of c.rtr) {
    if (!r.address) throw new RenderError(`Junos takes an RTR server by address, not by name (${r.host})`);
    out.push(`${I(3)}session ${r.host} {`, `${I(4)}port ${r.port};`, `${I(3)}}`);
  }
  out.push(`${I(2)}}`, `${I(1)}}`);
  return out;
}

/** Junos (curly-brace configuration): a BGP group per peer group and family, bound to its import and
 * export policies: written here for a managed group (policy-options), the operator's for a group
 * whose policy is `external` (Junos refuses to commit a group whose policy is not defined). Each
 * session of a managed group imports through its own chain; Junos has no RFC 9234 roles.
 */
export function renderJunos(c: PreparedConfig): string {
  const family = (v: 'ipv4' | 'ipv6') => (v === 'ipv4' ? 'inet' : 'inet6');
  const out = [
    `/* ${headline(c, 'junos')} */`,
    ...policyOptions(c),
    'routing-options {',
    `    router-id ${c.routerId};`,
    `    autonomous-system ${c.asn};`,
    ...validation(c),
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
      if (s.policy) out.push(`                import ${sessionChain(g, s)};`);
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
  // The sessions' own policy statements and lists, once no neighbor uses them.
  for (const g of removed.groups) {
    for (const s of g.sessions) {
      const p = s.policy;
      if (!p) continue;
      const names = [
        `policy-statement ${p.importPolicy}`,
        `community ${s.symbol}_tags`,
        ...(p.firstAs ? [`policy-statement ${s.symbol}_first_as`, `as-path ${s.symbol}_first`] : []),
        ...(p.irr ? [`policy-statement ${s.symbol}_irr`] : []),
        ...(p.irr?.kind === 'list' ? [`prefix-list ${p.irr.name}`] : []),
      ];
      for (const n of names) out.push(`delete policy-options ${n}`);
    }
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
