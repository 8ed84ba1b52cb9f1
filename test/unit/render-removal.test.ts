import { describe, expect, it } from 'vitest';
import { PLATFORMS, platformDescriptor } from '../../shared/config-render';
import { prepare } from '../../shared/config-render/prepare';
import { render, renderRemoval } from '../../shared/config-render/render';
import {
  daemonsAvailable,
  declaredNeighbors,
  parseWithDaemon,
  referencedPolicies,
} from '../golden/daemon-check';
import { goldenRouter, goldenSessions } from '../golden/fixture';

// 206.126.236.68 shares its group with .70; 206.126.236.102 is alone in "group b".
const shared = goldenSessions.filter((s) => s.peer_ipaddr === '206.126.236.68');
const alone = goldenSessions.filter((s) => s.peer_ipaddr === '206.126.236.102');
const without = (gone: typeof goldenSessions) => goldenSessions.filter((s) => !gone.includes(s));
const groupB = prepare(goldenRouter, alone).groups[0]!.name;

describe('the removal of a session from its router', () => {
  it('gives each command platform the lines an engineer pastes, and drops a group left empty', () => {
    const expected: Record<string, [string[], string[]]> = {
      'cisco-ios': [
        [' no neighbor 206.126.236.68'],
        [' no neighbor 206.126.236.102', ` no neighbor ${groupB} peer-group`],
      ],
      'cisco-iosxr': [
        [' no neighbor 206.126.236.68'],
        [' no neighbor 206.126.236.102', ` no neighbor-group ${groupB}`],
      ],
      'arista-eos': [
        ['   no neighbor 206.126.236.68'],
        ['   no neighbor 206.126.236.102', `   no neighbor ${groupB} peer group`],
      ],
      junos: [
        ['delete protocols bgp group peers_v4 neighbor 206.126.236.68'],
        [`delete protocols bgp group ${groupB}`],
      ],
      frr: [
        [' no neighbor 206.126.236.68'],
        [' no neighbor 206.126.236.102', ` no neighbor ${groupB} peer-group`],
      ],
    };
    for (const [platform, [one, last]] of Object.entries(expected)) {
      const p = platform as keyof typeof expected & (typeof PLATFORMS)[number];
      const first = renderRemoval(p, goldenRouter, shared, without(shared));
      expect(first.kind, platform).toBe('commands');
      const lines = first.text.split('\n');
      for (const line of one) expect(lines, platform).toContain(line);
      expect(first.text, platform).not.toMatch(/peer-group$|peer group$|neighbor-group|group peers_v4$/m);
      const emptied = renderRemoval(p, goldenRouter, alone, without(alone)).text.split('\n');
      for (const line of last) expect(emptied, platform).toContain(line);
    }
  });

  it('gives each file platform its whole config without the session', () => {
    for (const platform of PLATFORMS) {
      if (platformDescriptor(platform).removal.kind !== 'config') continue;
      const removal = renderRemoval(platform, goldenRouter, shared, without(shared));
      expect(removal.text).toBe(render(platform, goldenRouter, without(shared)));
      expect(removal.text).not.toContain('206.126.236.68');
    }
  });
});

describe.skipIf(!daemonsAvailable())('removals parsed by the real daemons', () => {
  for (const platform of ['bird2', 'openbgpd', 'gobgp'] as const) {
    it(`${platform}: the config without the session loads and declares the others only`, async () => {
      for (const gone of [shared, alone]) {
        const { text } = renderRemoval(platform, goldenRouter, gone, without(gone));
        // Every group's policy is peerflow's: the daemon needs nothing from the operator.
        const parsed = await parseWithDaemon(platform, text);
        expect(parsed.ok, parsed.output).toBe(true);
        expect(declaredNeighbors(platform, text)).toEqual(
          without(gone)
            .map((s) => s.peer_ipaddr)
            .sort(),
        );
      }
    });
  }

  it('frr: vtysh takes the removal lines after the config they remove from', async () => {
    const config = render('frr', goldenRouter, goldenSessions);
    const policies = referencedPolicies('frr', config).filter(
      (p) => !config.includes(`route-map ${p.importPolicy} `),
    );
    expect(policies).toEqual([]);
    for (const gone of [shared, alone]) {
      const { text } = renderRemoval('frr', goldenRouter, gone, without(gone));
      const parsed = await parseWithDaemon('frr', `${config}${text}`, policies);
      expect(parsed.ok, parsed.output).toBe(true);
    }
    const broken = await parseWithDaemon(
      'frr',
      `${config}router bgp 64500\n no neighbour 206.126.236.68\nexit\n`,
      policies,
    );
    expect(broken.ok).toBe(false);
  });
});
