import { describe, expect, it } from 'vitest';
import { prepare } from '../../shared/config-render/prepare';
import { render } from '../../shared/config-render/render';
import {
  DAEMON_PLATFORMS,
  daemonsAvailable,
  declaredNeighbors,
  neighborStatementCount,
  parseWithDaemon,
  referencedPolicies,
  STATEMENTS_PER_NEIGHBOR,
} from '../golden/daemon-check';
import { goldenPolicy, goldenRouter, goldenSessions } from '../golden/fixture';

const available = daemonsAvailable();
const intended = goldenSessions.map((s) => s.peer_ipaddr).sort();
const groups = prepare(goldenRouter, goldenSessions, goldenPolicy).groups;
/** The policies of the group whose policy is `external`: the operator's part of the harness defines them. */
const external = groups.filter((g) => !g.managed);
/** Every group as the operator's: names only, as before peerflow wrote policies. */
const allExternal = {
  own_prefixes: [],
  groups: Object.fromEntries(
    [...new Set(goldenSessions.map((s) => s.peer_group ?? 'peers'))].map((g) => [
      g,
      { policy: 'external' as const },
    ]),
  ),
};

describe.skipIf(!available)('rendered configs parsed by the real daemons', () => {
  for (const platform of DAEMON_PLATFORMS) {
    it(`${platform}: the daemon accepts the config and it declares exactly the sessions`, async () => {
      const text = render(platform, goldenRouter, goldenSessions, goldenPolicy);
      expect(external.map((g) => g.name)).toEqual(['operator_v4']);
      expect(referencedPolicies(platform, text)).toEqual(
        groups.map(({ importPolicy, exportPolicy }) => ({ importPolicy, exportPolicy })),
      );
      const parsed = await parseWithDaemon(platform, text, external);
      expect(parsed.output, parsed.output).not.toMatch(/error/i);
      expect(parsed.ok).toBe(true);
      expect(declaredNeighbors(platform, text)).toEqual(intended);
      expect(neighborStatementCount(platform, text)).toBe(
        intended.length * STATEMENTS_PER_NEIGHBOR[platform],
      );
    });

    it(`${platform}: loads peerflow's policies alone, with nothing supplied by the operator`, async () => {
      const text = render(platform, goldenRouter, goldenSessions);
      const parsed = await parseWithDaemon(platform, text);
      expect(parsed.ok, parsed.output).toBe(true);
      expect(declaredNeighbors(platform, text)).toEqual(intended);
    });

    it(`${platform}: the same check refuses a config with a stray quote`, async () => {
      const text = render(platform, goldenRouter, goldenSessions, goldenPolicy);
      const broken = text.replace('AS16509 Amazon.com', 'AS16509 "Amazon.com" ; }\n junk {');
      expect((await parseWithDaemon(platform, broken, external)).ok).toBe(false);
    });
  }

  it('bird2: refuses the config while the operator has not defined the filters of `external` groups', async () => {
    const text = render('bird2', goldenRouter, goldenSessions, allExternal);
    expect(text).not.toMatch(/^filter /m);
    const parsed = await parseWithDaemon('bird2', text);
    expect(parsed.ok).toBe(false);
    // BIRD stops at the first reference to an unknown symbol: the first template's import filter.
    const line = /:(\d+):\d+ syntax error, unexpected CF_SYM_UNDEFINED/.exec(parsed.output)?.[1];
    expect(text.split('\n')[Number(line) - 1]).toBe('    import filter group_b_0c20ad_v4_in;');
  });

  // BIRD refuses any file without a protocol, so an empty bird2 config is not checked alone.
  it('renders a router without sessions that FRR, OpenBGPD and GoBGP still accept', async () => {
    for (const platform of ['frr', 'openbgpd', 'gobgp'] as const) {
      const parsed = await parseWithDaemon(platform, render(platform, goldenRouter, []));
      expect(parsed.ok, `${platform}: ${parsed.output}`).toBe(true);
    }
  });
});
