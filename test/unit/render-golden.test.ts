import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORMS, type Platform } from '../../shared/domain/config-render/prepare';
import { render } from '../../shared/domain/config-render/render';
import { goldenRouter, goldenSessions } from '../golden/fixture';

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
    ` neighbor ${IP} password 0 ${PW}`,
    ' !',
    ' address-family ipv(4|6) unicast',
    `  neighbor ${GROUP} activate`,
    `  neighbor ${IP} activate`,
    `  neighbor ${IP} maximum-prefix ${NUM}`,
    ' exit-address-family',
    '!',
  ],
  'cisco-iosxr': [
    `! ${TEXT}`,
    `router bgp ${NUM}`,
    ` bgp router-id ${IP}`,
    ' address-family ipv(4|6) unicast',
    ` neighbor-group ${GROUP}`,
    '  address-family ipv(4|6) unicast',
    ` ! ${TEXT}`,
    ` neighbor ${IP}`,
    `  remote-as ${NUM}`,
    `  use neighbor-group ${GROUP}`,
    `  description ${TEXT}`,
    `  local-as ${NUM} no-prepend replace-as`,
    `  password clear ${PW}`,
    `   maximum-prefix ${NUM} 90`,
    ' {0,2}!',
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
    ' {12,16}family inet6? \\{',
    ' {16}unicast;',
    String.raw` {12}/\* ${TEXT} \*/`,
    ` {12}neighbor ${IP} \\{`,
    ` {16}description "${TEXT}";`,
    ` {16}local-address ${IP};`,
    ` {16}authentication-key "${PW}";`,
    ' {20}unicast \\{',
    ' {24}prefix-limit \\{',
    ` {28}maximum ${NUM};`,
    ` {16}local-as ${NUM};`,
    ` {16}peer-as ${NUM};`,
  ],
  'arista-eos': [
    `! ${TEXT}`,
    `router bgp ${NUM}`,
    `   router-id ${IP}`,
    '   no bgp default ipv4-unicast',
    `   neighbor ${GROUP} peer group`,
    `   ! ${TEXT}`,
    `   neighbor ${IP} peer group ${GROUP}`,
    `   neighbor ${IP} remote-as ${NUM}`,
    `   neighbor ${IP} description ${TEXT}`,
    `   neighbor ${IP} local-as ${NUM} no-prepend replace-as`,
    `   neighbor ${IP} password 0 ${PW}`,
    `   neighbor ${IP} maximum-routes ${NUM}`,
    '   !',
    '   address-family ipv(4|6)',
    `      neighbor ${GROUP} activate`,
    '!',
  ],
};

describe('golden configs', () => {
  for (const platform of PLATFORMS) {
    it(`renders the fixture for ${platform} exactly as reviewed`, () => {
      const text = render(platform, goldenRouter, goldenSessions);
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
