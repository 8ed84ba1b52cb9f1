import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORMS, type Platform } from '../../shared/config-render/platforms';
import { prepare } from '../../shared/config-render/prepare';
import { render } from '../../shared/config-render/render';
import { goldenPolicy, goldenRouter, goldenSessions } from '../golden/fixture';

/**
 * The rendered config of the golden fixture, for every platform, is the reviewed file in
 * test/golden (regenerate deliberately with UPDATE_GOLDEN=true and review the diff). The vendor
 * platforms without a parser here are also checked line by line against their documented syntax.
 */
const goldenDir = join(process.cwd(), 'test', 'golden');
const goldenFile = (p: Platform) => join(goldenDir, `${p}.conf`);

const IP = String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]+)`;
const TEXT = '[A-Za-z0-9 .,_:()&@+/-]+';
const GROUP = '[A-Za-z][A-Za-z0-9_]*';
const NUM = String.raw`\d+`;
const PW = '[A-Za-z0-9][A-Za-z0-9._~+=@:,/-]*';
const PFX = `${IP}/${NUM}`;
/** An AS-path regular expression as peerflow writes them (digits, classes, anchors, alternation). */
const ASRE = String.raw`[-_()|\[\]{},0-9^.*]+`;
const COMM = String.raw`\d+:\d+:\d+`;

/** The statement forms of the route-map dialect (IOS, EOS) that peerflow's policies use. */
const routeMapForms = (indent: string) => [
  `route-map ${GROUP} (permit|deny) ${NUM}`,
  `${indent}match ipv(4|6)? ?address prefix-list ${GROUP}`.replace('ipv(4|6)? ?', 'ipv?6? '),
  `${indent}match as-path ${GROUP}`,
];

/** Statement forms from each vendor's BGP configuration guide; every rendered line must be one of them. */
const GRAMMAR: Partial<Record<Platform, string[]>> = {
  'cisco-ios': [
    `! ${TEXT}`,
    `router bgp ${NUM}`,
    ` bgp router-id ${IP}`,
    ' no bgp default ipv4-unicast',
    ` neighbor ${GROUP} peer-group`,
    ` ! ${TEXT}`,
    ` neighbor ${IP} remote-as ${NUM}`,
    ` neighbor ${IP} peer-group ${GROUP}`,
    ` neighbor ${IP} description ${TEXT}`,
    ` neighbor ${IP} local-as ${NUM} no-prepend replace-as`,
    ` neighbor ${IP} ebgp-multihop ${NUM}`,
    ` neighbor ${IP} password 0 ${PW}`,
    ' !',
    ' address-family ipv(4|6) unicast',
    `  neighbor ${GROUP} activate`,
    `  neighbor ${IP} activate`,
    `  neighbor ${IP} maximum-prefix ${NUM}`,
    `  neighbor ${GROUP} route-map ${GROUP}_in in`,
    `  neighbor ${GROUP} route-map ${GROUP}_out out`,
    ' exit-address-family',
    '!',
    `ipv?6? prefix-list ${GROUP} seq ${NUM} (permit|deny) ${PFX}( (ge|le) ${NUM})?`,
    `ip as-path access-list ${GROUP} (permit|deny) ${ASRE}`,
    ...routeMapForms(' '),
    ' match rpki invalid',
    ` bgp rpki server tcp ${IP} port ${NUM} refresh ${NUM}`,
    `  neighbor ${IP} route-map ${GROUP}_in in`,
  ],
  'cisco-iosxr': [
    `! ${TEXT}`,
    `router bgp ${NUM}`,
    ` bgp router-id ${IP}`,
    ' address-family ipv(4|6) unicast',
    ` neighbor-group ${GROUP}`,
    '  address-family ipv(4|6) unicast',
    `   route-policy ${GROUP}_in in`,
    `   route-policy ${GROUP}_out out`,
    ` ! ${TEXT}`,
    ` neighbor ${IP}`,
    `  remote-as ${NUM}`,
    `  use neighbor-group ${GROUP}`,
    `  description ${TEXT}`,
    `  local-as ${NUM} no-prepend replace-as`,
    `  ebgp-multihop ${NUM}`,
    `  password clear ${PW}`,
    `   maximum-prefix ${NUM} 90`,
    ' {0,2}!',
    `prefix-set ${GROUP}`,
    `  ${PFX}( le ${NUM})?,?`,
    'end-set',
    `as-path-set ${GROUP}`,
    `  ios-regex '${ASRE}'`,
    `route-policy ${GROUP}`,
    `  if (not )?destination in ${GROUP} then`,
    String.raw`  if destination in \(${PFX} ge ${NUM}, ${PFX} le ${NUM}\) then`,
    ' {2,4}(drop|pass)',
    '  endif',
    `  if as-path in ${GROUP} then`,
    '  if validation-state is invalid then',
    'end-policy',
    `  # ${TEXT}`,
    `  if not as-path neighbor-is '${NUM}' then`,
    String.raw`  set large-community \(${COMM}(, ${COMM})*\) additive`,
    `  apply ${GROUP}`,
    ` rpki server ${IP}`,
    `  transport tcp port ${NUM}`,
    `   route-policy ${GROUP}_in in`,
  ],
  junos: [
    String.raw`/\* ${TEXT} \*/`,
    'routing-options \\{',
    ` {4}router-id ${IP};`,
    ` {4}autonomous-system ${NUM};`,
    ' *\\}',
    'protocols \\{',
    ' {4}bgp \\{',
    ` {8}group ${GROUP} \\{`,
    ' {12}type external;',
    ` {12}import ${GROUP}_in;`,
    ` {12}export ${GROUP}_out;`,
    ' {12,16}family inet6? \\{',
    ' {16}unicast;',
    String.raw` {12}/\* ${TEXT} \*/`,
    ` {12}neighbor ${IP} \\{`,
    ` {16}description "${TEXT}";`,
    ` {16}local-address ${IP};`,
    ' {16}multihop \\{',
    ` {20}ttl ${NUM};`,
    ` {16}authentication-key "${PW}";`,
    ' {20}unicast \\{',
    ' {24}prefix-limit \\{',
    ` {28}maximum ${NUM};`,
    ' {28}teardown;',
    ` {16}local-as ${NUM};`,
    ` {16}peer-as ${NUM};`,
    'policy-options \\{',
    ` {4}route-filter-list ${GROUP} \\{`,
    ` {8}${PFX} orlonger;`,
    ` {4}prefix-list ${GROUP} \\{`,
    ` {8}${PFX};`,
    String.raw` {4}as-path ${GROUP} "(\.\* \([0-9|-]+\) \.\*|\^${NUM} \.\*)";`,
    ` {4}policy-statement ${GROUP} \\{`,
    ` {8}term ${GROUP} \\{`,
    ' {12}from \\{',
    ` {16}route-filter-list ${GROUP};`,
    ` {16}route-filter ${PFX} (prefix-length-range /${NUM}-/${NUM}|upto /${NUM});`,
    ` {16}prefix-list-filter ${GROUP} (orlonger|exact);`,
    ` {16}as-path ${GROUP};`,
    ' {16}validation-database invalid;',
    ` {12}then (accept|reject|next policy|community add ${GROUP});`,
    String.raw` {4,8}/\* ${TEXT} \*/`,
    String.raw` {4}community ${GROUP} members \[ (large:${COMM} )+\];`,
    ' {4}validation \\{',
    ' {8}group peerflow \\{',
    ` {12}session ${IP} \\{`,
    ` {16}port ${NUM};`,
    String.raw` {16}import \[ (${GROUP} )+\];`,
  ],
  'arista-eos': [
    `! ${TEXT}`,
    `router bgp ${NUM}`,
    `   router-id ${IP}`,
    '   no bgp default ipv4-unicast',
    `   neighbor ${GROUP} peer group`,
    `   neighbor ${GROUP} missing-policy address-family all direction (in|out) action deny`,
    `   ! ${TEXT}`,
    `   neighbor ${IP} peer group ${GROUP}`,
    `   neighbor ${IP} remote-as ${NUM}`,
    `   neighbor ${IP} description ${TEXT}`,
    `   neighbor ${IP} local-as ${NUM} no-prepend replace-as`,
    `   neighbor ${IP} ebgp-multihop ${NUM}`,
    `   neighbor ${IP} password 0 ${PW}`,
    `   neighbor ${IP} maximum-routes ${NUM}`,
    '   !',
    '   address-family ipv(4|6)',
    `      neighbor ${GROUP} activate`,
    `      neighbor ${GROUP} route-map ${GROUP}_in in`,
    `      neighbor ${GROUP} route-map ${GROUP}_out out`,
    '!',
    `ip prefix-list ${GROUP} seq ${NUM} (permit|deny) ${PFX}( (ge|le) ${NUM})?`,
    `ipv6 prefix-list ${GROUP}`,
    `   seq ${NUM} (permit|deny) ${PFX}( (ge|le) ${NUM})?`,
    `ip as-path access-list ${GROUP} (permit|deny) ${ASRE} any`,
    ...routeMapForms('   '),
    '   match origin-as validity invalid',
    `   sub-route-map ${GROUP}`,
    `   set large-community (${COMM} )+additive`,
    `   rpki cache ${GROUP}`,
    `      host ${IP} port ${NUM}`,
    '   rpki origin-validation',
    '      ebgp local',
    `   neighbor ${IP} route-map ${GROUP}_in in`,
  ],
};

describe('golden configs', () => {
  for (const platform of PLATFORMS) {
    it(`renders the fixture for ${platform} exactly as reviewed`, () => {
      const text = render(platform, goldenRouter, goldenSessions, goldenPolicy);
      if (process.env.UPDATE_GOLDEN === 'true') writeFileSync(goldenFile(platform), text);
      expect(text).toBe(readFileSync(goldenFile(platform), 'utf8'));
    });
  }

  for (const [platform, forms] of Object.entries(GRAMMAR) as [Platform, string[]][]) {
    it(`writes only documented ${platform} statements, one per line`, () => {
      const patterns = forms.map((f) => new RegExp(`^${f}$`));
      const lines = readFileSync(goldenFile(platform), 'utf8').trimEnd().split('\n');
      const unknown = lines.filter((line) => !patterns.some((p) => p.test(line)));
      expect(unknown).toEqual([]);
    });
  }

  it('balances every Junos brace', () => {
    const text = readFileSync(goldenFile('junos'), 'utf8');
    let depth = 0;
    for (const ch of text.replace(/"[^"]*"|\/\*.*?\*\//g, '')) {
      if (ch === '{') depth += 1;
      if (ch === '}') depth -= 1;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
  });

  it('names the policies of a group after it, once, in prepare', () => {
    const groups = prepare(goldenRouter, goldenSessions).groups;
    expect(groups.map((g) => [g.name, g.importPolicy, g.exportPolicy])).toEqual([
      ['group_b_0c20ad_v4', 'group_b_0c20ad_v4_in', 'group_b_0c20ad_v4_out'],
      ['operator_v4', 'operator_v4_in', 'operator_v4_out'],
      ['peers_v4', 'peers_v4_in', 'peers_v4_out'],
      ['LAME_PEERS_9001d1_v6', 'LAME_PEERS_9001d1_v6_in', 'LAME_PEERS_9001d1_v6_out'],
    ]);
  });

  /** Every group's policy is the operator's (`policy: external`): names only. */
  const allExternal = {
    own_prefixes: [],
    groups: Object.fromEntries(
      [...new Set(goldenSessions.map((s) => s.peer_group ?? 'peers'))].map((g) => [
        g,
        { policy: 'external' as const },
      ]),
    ),
  };

  /** How each platform starts the definition of a policy peerflow writes. */
  const DEFINITION: Record<Platform, (group: string, policy: string) => RegExp> = {
    'cisco-ios': (_g, p) => new RegExp(`^route-map ${p} (permit|deny) \\d+$`, 'm'),
    'cisco-iosxr': (_g, p) => new RegExp(`^route-policy ${p}$`, 'm'),
    junos: (_g, p) => new RegExp(`^ {4}policy-statement ${p} \\{$`, 'm'),
    'arista-eos': (_g, p) => new RegExp(`^route-map ${p} (permit|deny) \\d+$`, 'm'),
    bird2: (_g, p) => new RegExp(`^filter ${p} \\{$`, 'm'),
    frr: (_g, p) => new RegExp(`^route-map ${p} (permit|deny) \\d+$`, 'm'),
    openbgpd: (g) => new RegExp(`^# ${g}: import ${g}_in, export ${g}_out, written by peerflow$`, 'm'),
    gobgp: (_g, p) => new RegExp(`^ {2}name = "${p}"$`, 'm'),
  };

  for (const platform of PLATFORMS) {
    it(`${platform}: defines the policies of each managed group and of none whose policy is external`, () => {
      const text = render(platform, goldenRouter, goldenSessions, goldenPolicy);
      for (const g of prepare(goldenRouter, goldenSessions, goldenPolicy).groups) {
        for (const policy of [g.importPolicy, g.exportPolicy]) {
          expect(DEFINITION[platform](g.name, policy).test(text), `${g.name}: ${policy}`).toBe(g.managed);
        }
      }
    });
  }

  /** How each platform attaches a group's policies; with `policy: external` it writes none. */
  const ATTACHMENT: Record<Platform, (group: string, inPolicy: string, outPolicy: string) => string[]> = {
    'cisco-ios': (g, i, o) => [`  neighbor ${g} route-map ${i} in`, `  neighbor ${g} route-map ${o} out`],
    'cisco-iosxr': (_g, i, o) => [`   route-policy ${i} in`, `   route-policy ${o} out`],
    junos: (_g, i, o) => [`            import ${i};`, `            export ${o};`],
    'arista-eos': (g, i, o) => [
      `      neighbor ${g} route-map ${i} in`,
      `      neighbor ${g} route-map ${o} out`,
    ],
    bird2: (_g, i, o) => [`    import filter ${i};`, `    export filter ${o};`],
    frr: (g, i, o) => [`  neighbor ${g} route-map ${i} in`, `  neighbor ${g} route-map ${o} out`],
    // No rule of its own (bgpd denies by default, and a deny placed after the operator's rules
    // would cancel them): the group's policies are named for the operator's rules.
    openbgpd: (g, i, o) => [
      `# ${g}: import ${i}, export ${o}: the operator's rules for`,
      `# "from group ${g}" and "to group ${g}"; without them bgpd denies (its default)`,
    ],
    gobgp: (g) => [`  neighbor-set-name = "${g}"`],
  };

  for (const platform of PLATFORMS) {
    it(`${platform}: attaches every group to its import and export policy, defining none when all are external`, () => {
      const text = render(platform, goldenRouter, goldenSessions, allExternal);
      const lines = text.split('\n');
      for (const g of prepare(goldenRouter, goldenSessions, allExternal).groups) {
        for (const line of ATTACHMENT[platform](g.name, g.importPolicy, g.exportPolicy)) {
          expect(
            lines.filter((l) => l === line),
            line,
          ).toHaveLength(1);
        }
      }
      // No policy bodies: no route-map, route-policy, policy-statement, filter or policy definitions.
      expect(text).not.toMatch(
        /^(route-map |route-policy |\s*policy-statement |filter |\[\[policy-definitions\]\]|allow )/m,
      );
      expect(text).not.toMatch(/import all|export all|accept-route/);
    });
  }

  it('fails closed where the platform needs to be told', () => {
    const eos = render('arista-eos', goldenRouter, goldenSessions, allExternal);
    // Per group: the router-wide `bgp missing-policy` would reach the operator's other sessions.
    expect(eos).not.toMatch(/^\s*bgp missing-policy/m);
    for (const group of ['group_b_0c20ad_v4', 'operator_v4', 'peers_v4', 'LAME_PEERS_9001d1_v6']) {
      for (const direction of ['in', 'out']) {
        expect(eos).toContain(
          `\n   neighbor ${group} missing-policy address-family all direction ${direction} action deny\n`,
        );
      }
    }
    const gobgp = render('gobgp', goldenRouter, goldenSessions, allExternal);
    expect(gobgp).toContain(
      '  import-policy-list = ["group_b_0c20ad_v4_in", "operator_v4_in", "peers_v4_in", "LAME_PEERS_9001d1_v6_in"]\n',
    );
    expect(gobgp).toContain(
      '  export-policy-list = ["group_b_0c20ad_v4_out", "operator_v4_out", "peers_v4_out", "LAME_PEERS_9001d1_v6_out"]\n',
    );
    expect(gobgp.match(/^ {2}default-(import|export)-policy = "reject-route"$/gm)).toHaveLength(2);
    expect(render('frr', goldenRouter, goldenSessions)).not.toContain('ebgp-requires-policy');
  });

  it('declares each neighbor once per platform', () => {
    for (const platform of ['cisco-ios', 'arista-eos'] as const) {
      const text = render(platform, goldenRouter, goldenSessions);
      expect(text.match(/ remote-as /g)).toHaveLength(goldenSessions.length);
    }
    expect(render('junos', goldenRouter, goldenSessions).match(/peer-as /g)).toHaveLength(
      goldenSessions.length,
    );
    expect(render('cisco-iosxr', goldenRouter, goldenSessions).match(/^ neighbor /gm)).toHaveLength(
      goldenSessions.length,
    );
  });
});
