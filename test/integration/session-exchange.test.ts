import { beforeAll, describe, expect, it } from 'vitest';
import { callRoute, type RouteBody, userWithRole } from '../support/api';
import { createRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute, renderSessionConfigRoute, updateSessionRoute } from '../../shared/sessions/routes';
import { putSettingsRoute } from '../../shared/settings/routes';
import { ASHBURN, syncObjects } from '../support/peeringdb';

/**
 * Exchange 1 (Ashburn, 206.126.236.0/22) where we (network 100) are at 206.126.236.1; exchange 2
 * (198.51.100.0/24) where PeeringDB does not list us. Nobody else is listed anywhere.
 */
let operator: { token: string };
let routerId: string;

beforeAll(async () => {
  await syncObjects({
    ix: [...ASHBURN.ix, { id: 2, name: 'Quiet IX' }],
    ixlan: [...ASHBURN.ixlan, { id: 2, ix_id: 2 }],
    ixpfx: [...ASHBURN.ixpfx, { id: 3, ixlan_id: 2, protocol: 'IPv4', prefix: '198.51.100.0/24' }],
    net: [{ id: 100, asn: 64500, name: 'Our Network' }],
    netixlan: [{ id: 13, net_id: 100, ix_id: 1, ixlan_id: 1, asn: 64500, ipaddr4: '206.126.236.1' }],
  });
  const admin = await userWithRole('admin');
  operator = await userWithRole('operator');
  const put = await callRoute(putSettingsRoute, {
    token: admin.token,
    body: { source_asn: 64500, source_participant_id: 100 },
  });
  expect(put.status).toBe(200);
  const router = await callRoute(createRouterRoute, {
    token: operator.token,
    body: { hostname: 'ar1.example.net', platform: 'frr', asn: 64500, router_id: '192.0.2.1' },
  });
  routerId = router.json.id;
});

const add = (body: Omit<RouteBody<typeof addSessionRoute>, 'resource_id'>) =>
  callRoute(addSessionRoute, { token: operator.token, body: { resource_id: routerId, ...body } });

describe('the exchange of a session PeeringDB does not list', () => {
  it('comes from the prefix holding the peer address, with our address there', async () => {
    const res = await add({ peer_ipaddr: '206.126.237.9', peer_asn: 64999 });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      public_id: 1,
      public_name: 'Equinix Ashburn',
      source_ipaddr: '206.126.236.1',
      multihop: null,
    });
  });

  it('is found at an exchange where PeeringDB does not list us: no address of ours there', async () => {
    const res = await add({ peer_ipaddr: '198.51.100.20', peer_asn: 64998 });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ public_id: 2, public_name: 'Quiet IX', source_ipaddr: null });
  });
});

describe('a session on no exchange', () => {
  it('needs multihop or our address, else 422 saying so', async () => {
    const bare = await add({ peer_ipaddr: '203.0.113.9', peer_asn: 64997 });
    expect(bare.status).toBe(422);
    expect(bare.error?.details).toEqual([
      {
        path: 'body.multihop',
        message:
          "203.0.113.9 is in no exchange's prefix: give multihop (1-255, the TTL of a multihop eBGP session) or source_ipaddr (our address on the link to the peer)",
      },
    ]);
    expect((await add({ peer_ipaddr: '203.0.113.9', peer_asn: 64997, multihop: 0 })).status).toBe(422);
    expect((await add({ peer_ipaddr: '203.0.113.9', peer_asn: 64997, multihop: 256 })).status).toBe(422);

    const hops = await add({ peer_ipaddr: '203.0.113.9', peer_asn: 64997, multihop: 3 });
    expect(hops.status).toBe(201);
    expect(hops.json).toMatchObject({ public_id: null, public_name: null, multihop: 3, source_ipaddr: null });
    const config = await callRoute(renderSessionConfigRoute, {
      token: operator.token,
      params: { id: hops.json.id },
    });
    expect(config.json.config).toContain(' neighbor 203.0.113.9 ebgp-multihop 3\n');

    const sourced = await add({
      peer_ipaddr: '203.0.113.10',
      peer_asn: 64997,
      source_ipaddr: '203.0.113.11',
    });
    expect(sourced.status).toBe(201);
    expect(sourced.json).toMatchObject({ public_id: null, multihop: null, source_ipaddr: '203.0.113.11' });
  });

  it('keeps needing one of them on update', async () => {
    const hops = await add({ peer_ipaddr: '203.0.113.20', peer_asn: 64996, multihop: 2 });
    expect(hops.status).toBe(201);
    const cleared = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: hops.json.id },
      body: { multihop: null },
    });
    expect(cleared.status).toBe(422);
    expect(cleared.error?.details?.[0]?.path).toBe('body.multihop');
    const changed = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: hops.json.id },
      body: { multihop: 5 },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.multihop).toBe(5);
  });
});
