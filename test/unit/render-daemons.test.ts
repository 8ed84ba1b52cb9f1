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
import { goldenRouter, goldenSessions } from '../golden/fixture';

const available = daemonsAvailable();
const intended = goldenSessions.map((s) => s.peer_ipaddr).sort();
/** The policies the golden config references, defined by the operator's part of the harness. */
const policies = prepare(goldenRouter, goldenSessions).groups;

describe.skipIf(!available)('rendered configs parsed by the real daemons', () => {
  for (const platform of DAEMON_PLATFORMS) {
    it(`${platform}: the daemon accepts the config and it declares exactly the sessions`, async () => {
      const text = render(platform, goldenRouter, goldenSessions);
      expect(referencedPolicies(platform, text)).toEqual(
        policies.map(({ importPolicy, exportPolicy }) => ({ importPolicy, exportPolicy })),
      );
      const parsed = await parseWithDaemon(platform, text, policies);
      expect(parsed.output, parsed.output).not.toMatch(/error/i);
      expect(parsed.ok).toBe(true);
      expect(declaredNeighbors(platform, text)).toEqual(intended);
      expect(neighborStatementCount(platform, text)).toBe(
        intended.length * STATEMENTS_PER_NEIGHBOR[platform],
      );
    });

    it(`${platform}: the same check refuses a config with a stray quote`, async () => {
      const text = render(platform, goldenRouter, goldenSessions);
      const broken = text.replace('AS16509 Amazon.com', 'AS16509 "Amazon.com" ; }\n junk {');
      expect((await parseWithDaemon(platform, broken, policies)).ok).toBe(false);
    });
  }

  it('bird2: refuses the config while the operator has not defined its filters', async () => {
    const text = render('bird2', goldenRouter, goldenSessions);
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
