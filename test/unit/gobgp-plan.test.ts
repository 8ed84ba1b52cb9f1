import { describe, expect, it } from 'vitest';
import { render } from '../../shared/config-render';
import { parseGobgpPlan, renderGobgpPlan } from '../../shared/devices/drivers/gobgp-plan';
import { goldenRouter, goldenSessions } from '../golden/fixture';

const stripComments = (toml: string) =>
  toml
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n');

/** Every group of the golden sessions keeps the operator's policies: names only. */
const externalPolicies = {
  own_prefixes: [],
  groups: Object.fromEntries(
    [...new Set(goldenSessions.map((s) => s.peer_group ?? 'peers'))].map((g) => [
      g,
      { policy: 'external' as const },
    ]),
  ),
};

describe("peerflow's GoBGP config as API objects", () => {
  it('reads every session of the golden render and writes the same TOML back, comments aside', () => {
    const toml = render('gobgp', { ...goldenRouter, rtr_servers: [] }, goldenSessions, externalPolicies);
    const plan = parseGobgpPlan(toml);
    if (typeof plan === 'string') throw new Error(plan);
    expect(plan.neighbors.length).toBe(goldenSessions.length);
    expect(plan.asn).toBe(goldenRouter.asn);
    expect(renderGobgpPlan(plan)).toBe(stripComments(toml));
  });

  it("refuses peerflow's own routing policies and RPKI servers, saying they go over ssh", () => {
    const plan = parseGobgpPlan(render('gobgp', goldenRouter, goldenSessions));
    expect(plan).toMatch(/not part of what peerflow sends .*over ssh only/);
  });

  it('reads a router with no session', () => {
    const plan = parseGobgpPlan(render('gobgp', goldenRouter, []));
    expect(typeof plan === 'string' ? plan : plan.neighbors).toEqual([]);
  });

  it.each([
    ['text that is no TOML', 'this is not a configuration {', /cannot read/],
    [
      'a table peerflow does not send',
      '[zebra.config]\n  enabled = true\n',
      /not part of what peerflow sends/,
    ],
    [
      'a key peerflow does not send',
      '[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "192.0.2.2"\n    admin-down = true\n',
      /admin-down is not sent/,
    ],
    [
      'a neighbor that is a host name',
      '[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "peer.example"\n    peer-as = 64501\n  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "ipv4-unicast"\n',
      /not an IP address/,
    ],
    [
      'an address family peerflow does not send',
      '[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "192.0.2.2"\n    peer-as = 64501\n  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "l2vpn-evpn"\n',
      /address family l2vpn-evpn/,
    ],
    ['a string with an escape', '[global.config]\n  router-id = "192.0.2.1\\""\n', /must be a string/],
  ])('refuses %s, saying where', (_what, toml, reason) => {
    const plan = parseGobgpPlan(toml);
    expect(typeof plan).toBe('string');
    expect(plan).toMatch(reason);
  });
});
