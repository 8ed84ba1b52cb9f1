import { beforeAll, describe, expect, it } from 'vitest';
import {
  deletePresenceRoute,
  getExchangeRoute,
  listExchangesRoute,
  putPresenceRoute,
} from '../../shared/exchanges/exchanges-routes';
import { createRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute } from '../../shared/sessions/routes';
import { deleteSessionRoute } from '../../shared/deployments/routes';
import { putSettingsRoute } from '../../shared/settings/routes';
import {
  call,
  callRoute,
  type RouteBody,
  type RouteQuery,
  tableSnapshot,
  userWithRole,
} from '../support/api';
import { syncObjects } from '../support/peeringdb';

let viewer = '';
let operator = '';
let admin = '';
const routers = { iad: '', fra: '' };

async function newRouter(hostname: string): Promise<string> {
  const res = await callRoute(createRouterRoute, {
    token: operator,
    body: { hostname, platform: 'frr', asn: 64_500, router_id: '192.0.2.1' },
  });
  expect(res.status).toBe(201);
  return res.json.id;
}

beforeAll(async () => {
  viewer = (await userWithRole('viewer')).token;
  operator = (await userWithRole('operator')).token;
  admin = (await userWithRole('admin')).token;
  await syncObjects({
    ix: [
      { id: 1, name: 'Equinix Ashburn', city: 'Ashburn', country: 'US' },
      { id: 26, name: 'AMS-IX', name_long: 'Amsterdam Internet Exchange', city: 'Amsterdam', country: 'NL' },
      { id: 31, name: 'DE-CIX Frankfurt', city: 'Frankfurt', country: 'DE' },
      { id: 87, name: 'DE-CIX Munich', city: 'Munich', country: 'DE' },
    ],
    ixlan: [
      { id: 1, ix_id: 1 },
      { id: 2, ix_id: 31 },
    ],
    ixpfx: [
      { id: 10, ixlan_id: 2, protocol: 'IPv6', prefix: '2001:7f8::/64' },
      { id: 11, ixlan_id: 2, protocol: 'IPv4', prefix: '80.81.192.0/21' },
      { id: 12, ixlan_id: 1, protocol: 'IPv4', prefix: '206.126.236.0/22' },
    ],
    ixfac: [{ id: 5, ix_id: 31, fac_id: 9, name: 'Equinix FR5', city: 'Frankfurt', country: 'DE' }],
    net: [
      { id: 100, asn: 64_500, name: 'Our Network' },
      { id: 200, asn: 64_501, name: 'Peer A' },
    ],
    netixlan: [
      {
        id: 1000,
        net_id: 100,
        ix_id: 31,
        ixlan_id: 2,
        asn: 64_500,
        ipaddr4: '80.81.192.10',
        ipaddr6: '2001:7F8::FBF4:0:1',
      },
      { id: 1001, net_id: 200, ix_id: 31, ixlan_id: 2, asn: 64_501, ipaddr4: '80.81.192.20', ipaddr6: null },
      { id: 1002, net_id: 200, ix_id: 1, ixlan_id: 1, asn: 64_501, ipaddr4: '206.126.236.20', ipaddr6: null },
    ],
  });
  const put = await callRoute(putSettingsRoute, {
    token: admin,
    body: { source_asn: 64_500, source_participant_id: 100 },
  });
  expect(put.status).toBe(200);
  routers.iad = await newRouter('edge1.iad.example.net');
  routers.fra = await newRouter('edge2.fra.example.net');
});

const names = (res: { json: { data: { public_name: string }[] } }) => res.json.data.map((x) => x.public_name);

describe('GET /exchanges', () => {
  it('lists exchanges by name and marks where we are present', async () => {
    const res = await callRoute(listExchangesRoute, { token: viewer });
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['AMS-IX', 'DE-CIX Frankfurt', 'DE-CIX Munich', 'Equinix Ashburn']);
    expect(res.json.data.find((x: { public_id: number }) => x.public_id === 31)?.present).toBe(true);
    expect(res.json.data.find((x: { public_id: number }) => x.public_id === 1)?.present).toBe(false);
  });

  it('searches by name substring, country and city', async () => {
    expect(names(await callRoute(listExchangesRoute, { token: viewer, query: { name: 'de-cix' } }))).toEqual([
      'DE-CIX Frankfurt',
      'DE-CIX Munich',
    ]);
    expect(
      names(await callRoute(listExchangesRoute, { token: viewer, query: { name: 'amsterdam' } })),
    ).toEqual(['AMS-IX']);
    const byPlace = await callRoute(listExchangesRoute, {
      token: viewer,
      query: { country: 'de', city: 'munich' },
    });
    expect(byPlace.error).toBeUndefined();
    expect(names(byPlace)).toEqual(['DE-CIX Munich']);
    expect(names(await callRoute(listExchangesRoute, { token: viewer, query: { present: 'true' } }))).toEqual(
      ['DE-CIX Frankfurt'],
    );
    expect(
      names(
        await callRoute(listExchangesRoute, { token: viewer, query: { present: 'false', country: 'DE' } }),
      ),
    ).toEqual(['DE-CIX Munich']);
  });

  it('pages with a cursor, without gaps or repeats, also through a filter', async () => {
    for (const filter of [{}, { name: 'e' }]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: RouteQuery<typeof listExchangesRoute> = {
          limit: 1,
          ...filter,
          ...(cursor ? { cursor } : {}),
        };
        const res = await callRoute(listExchangesRoute, { token: viewer, query });
        expect(res.status).toBe(200);
        expect(res.json.data.length).toBeLessThanOrEqual(1);
        seen.push(...names(res));
        cursor = res.json.next_cursor;
      } while (cursor);
      const all = names(
        await callRoute(listExchangesRoute, { token: viewer, query: { limit: 100, ...filter } }),
      );
      expect(seen).toEqual(all);
    }
  });

  it('refuses bad filters and foreign cursors with 422', async () => {
    expect(
      (await callRoute(listExchangesRoute, { token: viewer, query: { country: 'Germany' } })).status,
    ).toBe(422);
    expect((await call('GET', '/exchanges?present=maybe', { token: viewer })).status).toBe(422);
    expect((await call('GET', '/exchanges?colour=red', { token: viewer })).status).toBe(422);
    const foreign = Buffer.from(JSON.stringify({ pk: 'USER#x', sk: 'USER' })).toString('base64url');
    expect((await callRoute(listExchangesRoute, { token: viewer, query: { cursor: foreign } })).status).toBe(
      422,
    );
  });

  it('needs a token', async () => {
    expect((await callRoute(listExchangesRoute)).status).toBe(401);
  });
});

describe('GET /exchanges/{public_id}', () => {
  it('has prefixes, facilities, member count and our presence with our IPs', async () => {
    const res = await callRoute(getExchangeRoute, { token: viewer, params: { public_id: 31 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      public_id: 31,
      public_name: 'DE-CIX Frankfurt',
      present: true,
      member_count: 2,
      prefixes: [
        { protocol: 'IPv4', prefix: '80.81.192.0/21' },
        { protocol: 'IPv6', prefix: '2001:7f8::/64' },
      ],
      facilities: [{ fac_id: 9, name: 'Equinix FR5' }],
      presence: {
        ipaddr4: ['80.81.192.10'],
        ipaddr6: ['2001:7f8::fbf4:0:1'],
        router_id: null,
        source: 'peeringdb',
      },
    });
  });

  it('answers 404 for an exchange PeeringDB does not have', async () => {
    const res = await callRoute(getExchangeRoute, { token: viewer, params: { public_id: 999999 } });
    expect(res.status).toBe(404);
    expect(res.error?.message).toMatch(/999999/);
  });
});

describe('PUT and DELETE /exchanges/{public_id}/presence', () => {
  it('overrides our presence, and dropping the override brings PeeringDB back', async () => {
    const put = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 1 },
      body: { router_id: routers.iad, ipaddr4: ['206.126.236.10'] },
    });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({
      public_id: 1,
      public_name: 'Equinix Ashburn',
      ipaddr4: ['206.126.236.10'],
      ipaddr6: [],
      router_id: routers.iad,
      source: 'override',
    });
    expect(names(await callRoute(listExchangesRoute, { token: viewer, query: { present: 'true' } }))).toEqual(
      ['DE-CIX Frankfurt', 'Equinix Ashburn'],
    );

    const partial = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 31 },
      body: { router_id: routers.fra },
    });
    expect(partial.json).toMatchObject({
      ipaddr4: ['80.81.192.10'],
      router_id: routers.fra,
      source: 'override',
    });

    const del = await callRoute(deletePresenceRoute, { token: operator, params: { public_id: 31 } });
    expect(del.status).toBe(204);
    const back = await callRoute(getExchangeRoute, { token: viewer, params: { public_id: 31 } });
    expect(back.json.presence).toMatchObject({ router_id: null, source: 'peeringdb' });
    expect(
      (await callRoute(deletePresenceRoute, { token: operator, params: { public_id: 31 } })).status,
    ).toBe(404);
  });

  it('refuses bad addresses, unknown exchanges and viewers, changing nothing', async () => {
    const before = await tableSnapshot();
    const bad = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 26 },
      body: { ipaddr4: ['2001:db8::1'], ipaddr6: ['not an ip'], router_id: 'a\nb' },
    });
    expect(bad.status).toBe(422);
    expect(bad.error?.details?.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.ipaddr4.0',
      'body.ipaddr6.0',
      'body.router_id',
    ]);
    expect(
      (await callRoute(putPresenceRoute, { token: operator, params: { public_id: 26 }, body: {} })).status,
    ).toBe(422);
    expect(
      (
        await callRoute(putPresenceRoute, {
          token: operator,
          params: { public_id: 555 },
          body: { router_id: 'r' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await callRoute(putPresenceRoute, {
          token: viewer,
          params: { public_id: 26 },
          body: { router_id: 'r' },
        })
      ).status,
    ).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });
  it('takes only addresses inside the exchange prefixes and an existing router, changing nothing otherwise', async () => {
    const before = await tableSnapshot();
    const cases: [RouteBody<typeof putPresenceRoute>, string[]][] = [
      [{ ipaddr4: ['8.8.8.8'] }, ['body.ipaddr4.0']],
      [
        { ipaddr4: ['80.81.192.11', '80.81.200.1'], ipaddr6: ['2001:db8::1'] },
        ['body.ipaddr4.1', 'body.ipaddr6.0'],
      ],
      [{ router_id: 'no-such-router' }, ['body.router_id']],
      // PeeringDB has this address at DE-CIX for Peer A: it cannot be ours.
      [{ ipaddr4: ['80.81.192.20'] }, ['body.ipaddr4.0']],
      [{ router_id: crypto.randomUUID(), ipaddr4: ['10.0.0.1'] }, ['body.ipaddr4.0', 'body.router_id']],
    ];
    for (const [body, paths] of cases) {
      const res = await callRoute(putPresenceRoute, { token: operator, params: { public_id: 31 }, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.error?.details?.map((d: { path: string }) => d.path).sort()).toEqual(paths);
    }
    const wrongFamily = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 31 },
      body: { ipaddr4: ['2001:7f8::fbf4:0:2'] },
    });
    expect(wrongFamily.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);

    // Where PeeringDB lists no prefix of the family there is nothing to check against: filling
    // that gap is what an override is for.
    const noV6 = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 1 },
      body: { ipaddr6: ['2001:db8::1'] },
    });
    expect(noV6.status).toBe(200);
    expect((await callRoute(deletePresenceRoute, { token: operator, params: { public_id: 1 } })).status).toBe(
      204,
    );
    const noPrefixes = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 26 },
      body: { ipaddr4: ['80.81.192.11'] },
    });
    expect(noPrefixes.status).toBe(200);
    expect(
      (await callRoute(deletePresenceRoute, { token: operator, params: { public_id: 26 } })).status,
    ).toBe(204);

    const fine = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 31 },
      body: { ipaddr4: ['80.81.192.11'], ipaddr6: ['2001:7f8::fbf4:0:2'], router_id: null },
    });
    expect(fine.status).toBe(200);
    expect(fine.json).toMatchObject({
      ipaddr4: ['80.81.192.11'],
      ipaddr6: ['2001:7f8::fbf4:0:2'],
      router_id: null,
    });
    expect(
      (await callRoute(deletePresenceRoute, { token: operator, params: { public_id: 31 } })).status,
    ).toBe(204);
  });

  it('stores addresses in one spelling and makes them our side of new sessions', async () => {
    const set = await callRoute(putPresenceRoute, {
      token: operator,
      params: { public_id: 31 },
      body: { ipaddr4: ['80.81.192.11'], ipaddr6: ['2001:7F8:0:0:0:FBF4:0:2'] },
    });
    expect(set.status).toBe(200);
    expect(set.json.ipaddr6).toEqual(['2001:7f8::fbf4:0:2']);

    // Our overridden address is ours: no session with it as the peer.
    const ownPeer = await callRoute(addSessionRoute, {
      token: operator,
      body: { resource_id: routers.fra, public_id: 31, peer_ipaddr: '80.81.192.11', peer_asn: 64_999 },
    });
    expect(ownPeer.status).toBe(422);
    expect(ownPeer.error?.details?.[0]).toMatchObject({ path: 'body.peer_ipaddr' });

    // Another network's address is not ours to speak from.
    const theirs = await callRoute(addSessionRoute, {
      token: operator,
      body: {
        resource_id: routers.fra,
        public_id: 31,
        peer_ipaddr: '80.81.192.30',
        peer_asn: 64_998,
        source_ipaddr: '80.81.192.20',
      },
    });
    expect(theirs.status).toBe(422);
    expect(theirs.error?.details?.[0]).toMatchObject({ path: 'body.source_ipaddr' });
    expect(theirs.error?.details?.[0]?.message).toContain('AS64501');

    const session = await callRoute(addSessionRoute, {
      token: operator,
      body: { resource_id: routers.fra, peer_ipaddr: '80.81.192.20' },
    });
    expect(session.status).toBe(201);
    expect(session.json.source_ipaddr).toBe('80.81.192.11');
    expect(
      (await callRoute(deleteSessionRoute, { token: operator, params: { id: session.json.id } })).status,
    ).toBe(200);
    expect(
      (await callRoute(deletePresenceRoute, { token: operator, params: { public_id: 31 } })).status,
    ).toBe(204);
  });
});
