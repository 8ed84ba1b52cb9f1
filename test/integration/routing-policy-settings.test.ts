import { beforeAll, describe, expect, it } from 'vitest';
import { createRouterRoute, getRouterRoute, updateRouterRoute } from '../../shared/routers/routes';
import { getSettingsRoute, patchSettingsRoute } from '../../shared/settings/routes';
import { addSessionRoute, renderSessionConfigRoute } from '../../shared/sessions/routes';
import { callRoute, tableSnapshot, userWithRole } from '../support/api';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';

let op: { token: string };
let admin: { token: string };

beforeAll(async () => {
  await syncObjects({
    ...ASHBURN,
    net: [{ id: 1418, asn: 16509, name: 'Amazon.com', info_prefixes4: 200 }],
    netixlan: [ashburnPort(11, 1418, 16509, '206.126.236.68')],
  });
  [op, admin] = await Promise.all([userWithRole('operator'), userWithRole('admin')]);
});

describe("a router's RTR servers", () => {
  it('are stored by address (canonical) or host name, and changed as a whole', async () => {
    const created = await callRoute(createRouterRoute, {
      token: op.token,
      body: {
        hostname: 'rtr-owner.example.net',
        platform: 'bird2',
        asn: 64500,
        router_id: '192.0.2.1',
        rtr_servers: [
          { host: '2001:DB8::53', port: 3323 },
          { host: 'rpki.example.net', port: 8282 },
        ],
      },
    });
    expect(created.status).toBe(201);
    expect(created.json.rtr_servers).toEqual([
      { host: '2001:db8::53', port: 3323 },
      { host: 'rpki.example.net', port: 8282 },
    ]);
    const id = created.json.id;
    const patched = await callRoute(updateRouterRoute, {
      token: op.token,
      params: { id },
      body: { rtr_servers: [] },
    });
    expect(patched.json.rtr_servers).toEqual([]);
    expect((await callRoute(getRouterRoute, { token: op.token, params: { id } })).json.rtr_servers).toEqual(
      [],
    );
  });

  it('refuse anything but an address or a host name, and a port outside 1..65535', async () => {
    for (const server of [
      { host: 'rtr"; } protocol bgp x {', port: 3323 },
      { host: 'rtr example', port: 3323 },
      { host: '192.0.2.1', port: 0 },
      { host: '192.0.2.1', port: 70000 },
      { host: '192.0.2.1', port: 3323, extra: true },
    ]) {
      const answer = await callRoute(createRouterRoute, {
        token: op.token,
        body: {
          hostname: `bad-rtr-${Math.random().toString(36).slice(2, 8)}.example.net`,
          platform: 'frr',
          asn: 64500,
          router_id: '192.0.2.1',
          rtr_servers: [server as { host: string; port: number }],
        },
      });
      expect(answer.status, JSON.stringify(server)).toBe(422);
    }
  });
});

describe('the routing policy settings', () => {
  it('default to peerflow policies with nothing of our own, and take prefixes and group settings', async () => {
    const before = await callRoute(getSettingsRoute, { token: admin.token });
    expect(before.json.routing_policy).toEqual({ own_prefixes: [], groups: {} });
    const changed = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: {
        routing_policy: {
          own_prefixes: ['203.0.113.0/24', '2001:db8:100::/40'],
          groups: {
            peers: { irr_filter: true },
            transit: { policy: 'external' },
            rs: { peer_type: 'route-server' },
          },
        },
      },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.routing_policy.groups.transit).toEqual({ policy: 'external' });
    expect(
      (await callRoute(getSettingsRoute, { token: admin.token })).json.routing_policy.own_prefixes,
    ).toEqual(['203.0.113.0/24', '2001:db8:100::/40']);
  });

  it('refuse a prefix that is not canonical and an unknown group setting', async () => {
    for (const routing_policy of [
      { own_prefixes: ['203.0.113.1/24'] },
      { own_prefixes: ['2001:DB8::/32'] },
      { own_prefixes: ['203.0.113.0/24 le 32'] },
      { groups: { x: { policy: 'mine' } } },
      { groups: { x: { communities: [] } } },
    ]) {
      const answer = await callRoute(patchSettingsRoute, {
        token: admin.token,
        body: { routing_policy } as never,
      });
      expect(answer.status, JSON.stringify(routing_policy)).toBe(422);
    }
  });

  it('refuse, with a 422 and nothing stored, a policy larger than the settings can hold', async () => {
    // Each part is within its own limit; together they are more than one settings item holds.
    const longV6 = Array.from(
      { length: 10_000 },
      (_, i) => `2001:db8:1234:5678:9abc:def0:${(i + 1).toString(16)}:100/120`,
    );
    const groups = Object.fromEntries(
      Array.from({ length: 6000 }, (_, i) => [
        `group-${i}`.padEnd(60, 'x'),
        { policy: 'external' as const, irr_filter: true, peer_type: 'route-server' as const },
      ]),
    );
    for (const routing_policy of [{ own_prefixes: longV6 }, { groups }]) {
      const before = await tableSnapshot();
      const answer = await callRoute(patchSettingsRoute, { token: admin.token, body: { routing_policy } });
      expect(answer.status).toBe(422);
      expect(await tableSnapshot()).toEqual(before);
    }
  });

  it('refuse a group name that no session could carry: sessions take single-line names', async () => {
    const answer = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { routing_policy: { groups: { 'transit\n}': { policy: 'external' } } } },
    });
    expect(answer.status).toBe(422);
  });
});

describe('a rendered session config', () => {
  it("writes the settings' policies and the router's RTR servers", async () => {
    const router = await callRoute(createRouterRoute, {
      token: op.token,
      body: {
        hostname: 'policy-render.example.net',
        platform: 'bird2',
        asn: 64500,
        router_id: '192.0.2.1',
        rtr_servers: [{ host: '192.0.2.53', port: 3323 }],
      },
    });
    const session = await callRoute(addSessionRoute, {
      token: op.token,
      body: { resource_id: router.json.id, peer_ipaddr: '206.126.236.68', peer_group: 'transit' },
    });
    expect(session.status).toBe(201);
    await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { routing_policy: { own_prefixes: ['203.0.113.0/24'], groups: {} } },
    });
    const config = await callRoute(renderSessionConfigRoute, {
      token: op.token,
      params: { id: session.json.id },
    });
    expect(config.status).toBe(200);
    expect(config.json.config).toContain('define pf_own_v4 = [ 203.0.113.0/24 ];');
    expect(config.json.config).toContain('remote "192.0.2.53" port 3323;');
    expect(config.json.config).toContain('filter transit_v4_in {');

    await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { routing_policy: { own_prefixes: [], groups: { transit: { policy: 'external' } } } },
    });
    const external = await callRoute(renderSessionConfigRoute, {
      token: op.token,
      params: { id: session.json.id },
    });
    expect(external.json.config).toContain('import filter transit_v4_in;');
    expect(external.json.config).not.toContain('filter transit_v4_in {');
  });
});
