import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/platform/logger';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { listSessionStatesAtExchange } from '../../shared/sessions/sessions-store';
import {
  call,
  tableSnapshot,
  userWithRole,
  callRoute,
  type RouteBody,
  type RouteQuery,
} from '../support/api';
import {
  createRouterRoute,
  deleteRouterRoute,
  getRouterRoute,
  renderRouterConfigRoute,
  updateRouterRoute,
} from '../../shared/routers/routes';
import {
  addSessionRoute,
  getSessionRoute,
  listConfigRevisionsRoute,
  listSessionsRoute,
  renderSessionConfigRoute,
  revealSessionPasswordRoute,
  updateSessionRoute,
} from '../../shared/sessions/routes';
import {
  configureSessionRoute,
  deleteSessionRoute,
  deleteSessionsRoute,
} from '../../shared/deployments/routes';
import { putSettingsRoute } from '../../shared/settings/routes';
import { auditRoute } from '../../shared/system/routes';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';
import { markDeployed } from '../support/deployed';

/**
 * Exchange 1 (206.126.236.0/22, 2001:504:0:2::/64) with three networks on it; exchange 2 on
 * 198.51.100.0/24 with nobody. Network 2 (AS20940) has both an IPv4 and an IPv6 port.
 */
async function seed() {
  await syncObjects({
    ix: [...ASHBURN.ix, { id: 2, name: 'Quiet IX' }],
    ixlan: [...ASHBURN.ixlan, { id: 2, ix_id: 2 }],
    ixpfx: [...ASHBURN.ixpfx, { id: 3, ixlan_id: 2, protocol: 'IPv4', prefix: '198.51.100.0/24' }],
    net: [
      { id: 2, asn: 20940, name: 'Akamai Technologies', info_prefixes4: 20, info_prefixes6: 5 },
      { id: 1418, asn: 16509, name: 'Amazon.com', info_prefixes4: 200, info_prefixes6: null },
      { id: 3899, asn: 12129, name: '123.net', info_prefixes4: 10 },
      { id: 100, asn: 64500, name: 'Our Network' },
    ],
    netixlan: [
      ashburnPort(10, 2, 20940, '206.126.236.102', '2001:504:0:2::2:940:1'),
      ashburnPort(11, 1418, 16509, '206.126.236.68'),
      ashburnPort(12, 3899, 12129, '206.126.236.70'),
      {
        id: 13,
        net_id: 100,
        ix_id: 1,
        ixlan_id: 1,
        asn: 64500,
        ipaddr4: '206.126.236.1',
        ipaddr6: '2001:504:0:2:0:0:0:1',
      },
    ],
  });
}

let operator: { token: string; email: string; user: { id: string } };
let admin: { token: string; user: { id: string } };
let viewer: { token: string };

async function newRouter(platform: RouteBody<typeof createRouterRoute>['platform'] = 'frr', asn = 64500) {
  const res = await callRoute(createRouterRoute, {
    token: operator.token,
    body: {
      hostname: `r-${crypto.randomUUID().slice(0, 8)}.example.net`,
      platform,
      asn,
      router_id: '192.0.2.1',
    },
  });
  expect(res.status).toBe(201);
  return res.json as { id: string; hostname: string };
}

async function add(body: RouteBody<typeof addSessionRoute>) {
  return callRoute(addSessionRoute, { token: operator.token, body });
}

async function peerLog(publicId: number, participantId: number): Promise<string[]> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: {
        ':pk': `IXSTATE#${publicId}`,
        ':sk': `LOG#${String(participantId).padStart(10, '0')}#`,
      },
    }),
  );
  return (out.Items ?? []).map((i) => i.message as string);
}

beforeAll(async () => {
  await seed();
  [operator, admin, viewer] = await Promise.all([
    userWithRole('operator'),
    userWithRole('admin'),
    userWithRole('viewer'),
  ]);
});

describe('addSession', () => {
  it('fills the peer from PeeringDB by its IP and logs it on the peer', async () => {
    const router = await newRouter();
    const res = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.102', peer_group: 'group b' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      resource_id: router.id,
      resource_name: router.hostname,
      source_asn: 64500,
      peer_asn: 20940,
      peer_name: 'Akamai Technologies',
      peer_participant_id: 2,
      peer_ipaddr: '206.126.236.102',
      public_id: 1,
      public_name: 'Equinix Ashburn',
      ip_type: 'ipv4',
      type: 'Peer',
      state: 'not configured',
      prfx_max: 20,
      prfx_received: null,
      password_set: false,
      version: 1,
    });
    expect(res.headers.etag).toBe('"1"');
    expect(await peerLog(1, 2)).toContainEqual(expect.stringMatching(/^Session added: Akamai Technologies/));
    const states = await listSessionStatesAtExchange(1);
    expect(states).toContainEqual({ peer_participant_id: 2, state: 'not configured' });
  });

  it('takes the IPv6 prefix limit for an IPv6 session and keeps the address canonical', async () => {
    const router = await newRouter();
    const res = await add({ resource_id: router.id, peer_ipaddr: '2001:0504:0000:0002:0000:0002:0940:0001' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ ip_type: 'ipv6', prfx_max: 5, peer_ipaddr: '2001:504:0:2:0:2:940:1' });
    const dup = await add({ resource_id: router.id, peer_ipaddr: '2001:504:0:2::2:940:1' });
    expect(dup.status).toBe(409);
  });

  it('accepts a peer unknown to PeeringDB when its AS is given', async () => {
    const router = await newRouter();
    const res = await add({
      resource_id: router.id,
      peer_ipaddr: '206.126.237.9',
      peer_asn: 64999,
      public_id: 1,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      peer_asn: 64999,
      peer_name: 'AS64999',
      peer_participant_id: null,
      prfx_max: null,
    });
  });

  it('answers 422 or 404-like refusals with a clear message and stores nothing', async () => {
    const router = await newRouter();
    const base = { resource_id: router.id, peer_ipaddr: '206.126.236.102' };
    const cases: [RouteBody<typeof addSessionRoute>, string, RegExp][] = [
      [{ ...base, peer_ipaddr: '206.126.236.300' }, 'body.peer_ipaddr', /IPv4 or IPv6/],
      [{ ...base, peer_ipaddr: 'fe80::1%eth0' }, 'body.peer_ipaddr', /IPv4 or IPv6/],
      [{ ...base, ip_type: 'ipv6' }, 'body.ip_type', /not an ipv6 address/],
      [{ ...base, peer_asn: 0 }, 'body.peer_asn', /start at 1/],
      [{ ...base, peer_asn: 4_294_967_296 }, 'body.peer_asn', /end at 4294967295/],
      [{ ...base, resource_id: crypto.randomUUID() }, 'body.resource_id', /No router/],
      [{ ...base, public_id: 999 }, 'body.public_id', /No exchange 999/],
      [
        { ...base, public_id: 2 },
        'body.peer_ipaddr',
        /not in the ipv4 prefixes of Quiet IX.*: PeeringDB has 206\.126\.236\.102 at exchange 1 \(Equinix Ashburn\) as AS20940/,
      ],
      [{ ...base, peer_ipaddr: '10.0.0.1', public_id: 1, peer_asn: 65000 }, 'body.peer_ipaddr', /not in the/],
      [{ ...base, peer_asn: 16509 }, 'body.peer_asn', /AS20940, not AS16509/],
      [{ ...base, peer_name: 'Someone Else' }, 'body.peer_name', /Akamai Technologies/],
      [{ ...base, peer_participant_id: 1418 }, 'body.peer_participant_id', /network 2, not 1418/],
      [{ ...base, peer_ipaddr: '203.0.113.5' }, 'body.peer_asn', /not in PeeringDB/],
      // Quiet IX lists no IPv6 prefix, so only PeeringDB's rows can tell: the address is elsewhere.
      [
        { ...base, peer_ipaddr: '2001:504:0:2::2:940:1', public_id: 2 },
        'body.peer_asn',
        /PeeringDB has 2001:504:0:2:0:2:940:1 at exchange 1 \(Equinix Ashburn\) as AS20940 \(network 2\), not at exchange 2 \(Quiet IX\)/,
      ],
      [{ ...base, password: 'has space' }, 'body.password', /letters, digits/],
      [{ ...base, password: 'quote"d' }, 'body.password', /letters, digits/],
      [{ ...base, peer_group: 'two\nlines' }, 'body.peer_group', /single line/],
      [{ ...base, prfx_max: 0 }, 'body.prfx_max', /./],
      [{ ...base, source_ipaddr: '2001:504:0:2::9' }, 'body.source_ipaddr', /ipv4 address like the peer/],
    ];
    const before = await tableSnapshot();
    for (const [body, path, message] of cases) {
      const res = await add(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const detail = res.error?.details?.find((d: { path: string }) => d.path === path);
      expect(detail, `${JSON.stringify(body)} -> ${JSON.stringify(res.json)}`).toBeDefined();
      expect(detail?.message).toMatch(message);
    }
    // A field the contract does not have: sent raw.
    const surprise = await call('POST', '/sessions', {
      token: operator.token,
      body: { ...base, surprise: 1 },
    });
    expect(surprise.status).toBe(422);
    expect(
      surprise.json.error.details.find((d: { path: string }) => d.path === 'body.surprise').message,
    ).toMatch(/Unrecognized key/);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('of 50 simultaneous identical adds, exactly one wins and the rest get 409', async () => {
    const router = await newRouter();
    const body = { resource_id: router.id, peer_ipaddr: '206.126.236.68', note: 'race' };
    const results = await Promise.all(Array.from({ length: 50 }, () => add(body)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    const listed = await callRoute(listSessionsRoute, {
      token: viewer.token,
      query: { resource_id: router.id },
    });
    expect(listed.json.data).toHaveLength(1);
    const routerNow = await callRoute(getRouterRoute, { token: viewer.token, params: { id: router.id } });
    expect(routerNow.json.session_count).toBe(1);
  });

  it('needs the operator role', async () => {
    const router = await newRouter();
    const res = await callRoute(addSessionRoute, {
      token: viewer.token,
      body: { resource_id: router.id, peer_ipaddr: '206.126.236.70' },
    });
    expect(res.status).toBe(403);
    expect((await call('POST', '/sessions', { body: {} })).status).toBe(401);
  });
});

describe('getSessions filters', () => {
  let r1: string;
  let r2: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    r1 = (await newRouter('bird2', 64510)).id;
    r2 = (await newRouter('junos', 64520)).id;
    const made = await Promise.all([
      add({
        resource_id: r1,
        peer_ipaddr: '206.126.236.102',
        peer_group: 'transit-ish',
        password: 'secret1',
        note: 'hello world',
      }),
      add({
        resource_id: r1,
        peer_ipaddr: '206.126.236.68',
        state: 'down',
        prfx_max: 150,
        type: 'RouteServer',
      }),
      add({
        resource_id: r2,
        peer_ipaddr: '206.126.236.70',
        peer_hostname: 'edge1.peer.example',
        source_asn: 64521,
      }),
      add({ resource_id: r2, peer_ipaddr: '2001:504:0:2::2:940:1' }),
    ]);
    for (const m of made) expect(m.status).toBe(201);
    for (const [i, name] of ['akamai4', 'amazon', 'net123', 'akamai6'].entries())
      ids[name] = made[i]!.json.id;
  });

  const find = async (query: RouteQuery<typeof listSessionsRoute>) => {
    const res = await callRoute(listSessionsRoute, { token: viewer.token, query });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return (res.json.data as { id: string }[])
      .map((s) => s.id)
      .filter((id) => Object.values(ids).includes(id))
      .sort();
  };
  const expectIds = (...names: string[]) => names.map((n) => ids[n]!).sort();

  it('filters by each seed field', async () => {
    expect(await find({ resource_id: r1 })).toEqual(expectIds('akamai4', 'amazon'));
    expect(await find({ resource_id: r2, peer_ipaddr: '206.126.236.70' })).toEqual(expectIds('net123'));
    expect(await find({ public_id: 1, peer_participant_id: 2 })).toEqual(expectIds('akamai4', 'akamai6'));
    expect(await find({ peer_asn: 20940, ip_type: 'ipv6' })).toEqual(expectIds('akamai6'));
    expect(await find({ state: 'down' })).toEqual(expectIds('amazon'));
    expect(await find({ peer_group: 'transit-ish' })).toEqual(expectIds('akamai4'));
    expect(await find({ password_set: 'true', resource_id: r1 })).toEqual(expectIds('akamai4'));
    expect(await find({ password_set: 'false', resource_id: r1 })).toEqual(expectIds('amazon'));
    expect(await find({ peer_name: 'Amazon' })).toEqual(expectIds('amazon'));
    expect(await find({ note: 'world' })).toEqual(expectIds('akamai4'));
    expect(await find({ peer_hostname: 'edge1' })).toEqual(expectIds('net123'));
    expect(await find({ prfx_max: 150 })).toEqual(expectIds('amazon'));
    expect(await find({ type: 'RouteServer' })).toEqual(expectIds('amazon'));
    expect(await find({ source_asn: 64521 })).toEqual(expectIds('net123'));
    expect(await find({ id: ids.akamai6 })).toEqual(expectIds('akamai6'));
    expect(await find({ created: new Date().toISOString().slice(0, 4), resource_id: r2 })).toEqual(
      expectIds('net123', 'akamai6'),
    );
    expect(await find({ peer_ipaddr: '2001:504:0:2:0:2:940:1' })).toEqual(expectIds('akamai6'));
  });

  it('pages through results with the cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: RouteQuery<typeof listSessionsRoute> = {
        resource_id: r1,
        limit: 1,
        ...(cursor ? { cursor } : {}),
      };
      const res = await callRoute(listSessionsRoute, { token: viewer.token, query });
      seen.push(...res.json.data.map((s: { id: string }) => s.id));
      cursor = res.json.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(expectIds('akamai4', 'amazon'));
  });

  it('answers 422 for malformed filters', async () => {
    for (const qs of [
      'peer_asn=0',
      'peer_ipaddr=nope',
      'state=weird',
      'password_set=maybe',
      'created=yesterday',
    ]) {
      const res = await call('GET', `/sessions?${qs}`, { token: viewer.token });
      expect(res.status, qs).toBe(422);
    }
  });
});

describe('a session state no router showed', () => {
  it('is refused by hand, on add, change and v1 alike, and nothing changes', async () => {
    const router = await newRouter();
    const before = await tableSnapshot();
    for (const state of ['configured', 'established'] as const) {
      const added = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70', state });
      expect(added.status).toBe(422);
      expect(added.error?.details?.[0]).toMatchObject({ path: 'body.state' });
      expect(added.error?.message).toMatch(/no poll of its router has seen it there/);
    }
    expect(await tableSnapshot()).toEqual(before);

    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    const made = await tableSnapshot();
    for (const state of ['configured', 'established'] as const) {
      const res = await callRoute(updateSessionRoute, {
        token: operator.token,
        params: { id: s.id },
        body: { state, note: 'claimed' },
      });
      expect(res.status).toBe(422);
      expect(res.error?.message).toMatch(/POST \/sessions\/\{id\}\/configure/);
      const v1 = await call(
        'GET',
        `/api/v1/api.php?target=peering&action=updateSession&id=${s.number}&state=${state}`,
        { token: operator.token },
      );
      expect(v1.status).toBe(422);
      expect(v1.json).toMatchObject({ success: 0 });
    }
    expect(await tableSnapshot()).toEqual(made);

    // What an operator may say: not there, or taken down.
    const down = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { state: 'down' },
    });
    expect(down.json).toMatchObject({ state: 'down' });
  });

  it('is taken from a deployment, and the session keeps it through changes that leave the state alone', async () => {
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    await markDeployed(s.id, 'established');
    const noted = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { note: 'seen up', state: 'established' },
    });
    expect(noted.status, JSON.stringify(noted.json)).toBe(200);
    expect(noted.json).toMatchObject({ state: 'established', note: 'seen up' });
    // Moved to another router, it is on none as it now reads: not configured, and cannot be said so.
    const other = await newRouter();
    const claimed = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { resource_id: other.id, state: 'established' },
    });
    expect(claimed.status).toBe(422);
    const moved = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { resource_id: other.id },
    });
    expect(moved.status, JSON.stringify(moved.json)).toBe(200);
    expect(moved.json).toMatchObject({ resource_id: other.id, state: 'not configured' });
  });
});

describe('updateSession', () => {
  it('changes fields, bumps the version, and refuses a stale version with 409', async () => {
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    const ok = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { note: 'first', peer_group: 'rs', version: 1 },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ note: 'first', peer_group: 'rs', version: 2 });
    expect(ok.headers.etag).toBe('"2"');

    const before = await tableSnapshot();
    const staleBody = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { note: 'late', version: 1 },
    });
    expect(staleBody.status).toBe(409);
    expect(staleBody.error?.details).toEqual([
      { path: 'version', message: 'you sent version 1; the session is at version 2' },
    ]);
    const staleHeader = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { note: 'late' },
      headers: { 'if-match': '"1"' },
    });
    expect(staleHeader.status).toBe(409);
    expect(await tableSnapshot()).toEqual(before);

    const viaHeader = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { state: 'down' },
      headers: { 'if-match': '"2"' },
    });
    expect(viaHeader.json).toMatchObject({ state: 'down', version: 3 });
    expect(await peerLog(1, 3899)).toContainEqual(expect.stringMatching(/^Session updated: 123.net/));
  });

  it('lets exactly one of several simultaneous changes of the same version through', async () => {
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        callRoute(updateSessionRoute, {
          token: operator.token,
          params: { id: s.id },
          body: { note: `writer ${i}`, version: 1 },
        }),
      ),
    );
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
    const now = await callRoute(getSessionRoute, { token: viewer.token, params: { id: s.id } });
    expect(now.json).toMatchObject({ version: 2, note: winners[0]!.json.note });
  });

  it('re-derives the peer when the peer IP moves to another network', async () => {
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    const moved = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { peer_ipaddr: '206.126.236.68' },
    });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ peer_asn: 16509, peer_name: 'Amazon.com', peer_participant_id: 1418 });
    const other = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    expect(other.status).toBe(201);
    const clash = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: other.json.id },
      body: { peer_ipaddr: '206.126.236.68' },
    });
    expect(clash.status).toBe(409);
  });

  it('answers 404 for an unknown session and 422 for an empty change', async () => {
    const missing = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: crypto.randomUUID() },
      body: { note: 'x' },
    });
    expect(missing.status).toBe(404);
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    const empty = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { version: 1 },
    });
    expect(empty.status).toBe(422);
  });
});

describe('deleteSession', () => {
  it('deletes by filter, with a dry run first, and needs at least one filter', async () => {
    const router = await newRouter();
    for (const ip of ['206.126.236.102', '206.126.236.68', '206.126.236.70']) {
      expect(
        (
          await add({
            resource_id: router.id,
            peer_ipaddr: ip,
            peer_group: ip.endsWith('70') ? 'keep' : 'drop',
          })
        ).status,
      ).toBe(201);
    }
    const none = await callRoute(deleteSessionsRoute, { token: operator.token });
    expect(none.status).toBe(422);
    expect(none.error?.details).toEqual([
      {
        path: 'query',
        message:
          'give at least one filter; to delete every session, filter by each router (resource_id) in turn',
      },
    ]);
    const onlyDry = await callRoute(deleteSessionsRoute, {
      token: operator.token,
      query: { dry_run: 'true' },
    });
    expect(onlyDry.status).toBe(422);

    const withoutAudit = async () =>
      (await tableSnapshot()).filter((item) => !item.includes('"entity":"audit"'));
    const before = await withoutAudit();
    const dry = await callRoute(deleteSessionsRoute, {
      token: operator.token,
      query: { resource_id: router.id, peer_group: 'drop', dry_run: 'true' },
    });
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ deleted: 0, dry_run: true });
    expect(dry.json.data).toHaveLength(2);
    expect(await withoutAudit()).toEqual(before);

    const real = await callRoute(deleteSessionsRoute, {
      token: operator.token,
      query: { resource_id: router.id, peer_group: 'drop' },
    });
    expect(real.json).toMatchObject({ deleted: 2, dry_run: false });
    const left = await callRoute(listSessionsRoute, {
      token: viewer.token,
      query: { resource_id: router.id },
    });
    expect(left.json.data.map((s) => s.peer_group)).toEqual(['keep']);
    expect(await peerLog(1, 1418)).toContainEqual(expect.stringMatching(/^Session deleted: Amazon.com/));
  });

  it('records the ids a bulk delete removed in its audit entry', async () => {
    const router = await newRouter();
    const ids: string[] = [];
    for (const ip of ['206.126.236.102', '206.126.236.68', '206.126.236.70']) {
      const res = await add({ resource_id: router.id, peer_ipaddr: ip });
      expect(res.status).toBe(201);
      ids.push(res.json.id);
    }
    const correlationId = `bulk-delete-${crypto.randomUUID()}`;
    const res = await callRoute(deleteSessionsRoute, {
      token: operator.token,
      query: { resource_id: router.id },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(res.json.deleted).toBe(3);
    const audit = await callRoute(auditRoute, {
      token: admin.token,
      query: { user_id: operator.user.id, limit: 1000 },
    });
    const entries = audit.json.data.filter((e) => e.correlation_id === correlationId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ operation: 'deleteSessions', result: '3 deleted', status: 200 });
    expect([...(entries[0]?.ids ?? [])].sort()).toEqual([...ids].sort());
  });

  it('shows a renamed router under its new name on its sessions', async () => {
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' });
    const renamed = await callRoute(updateRouterRoute, {
      token: operator.token,
      params: { id: router.id },
      body: { hostname: 'renamed.example.net' },
    });
    expect(renamed.status).toBe(200);
    const after = await callRoute(getSessionRoute, { token: viewer.token, params: { id: s.id } });
    expect(after.json).toMatchObject({ resource_name: 'renamed.example.net', version: s.version });
  });

  it('never leaves a session on a router deleted at the same moment', async () => {
    for (let i = 0; i < 5; i++) {
      const router = await newRouter();
      const [removed, added] = await Promise.all([
        callRoute(deleteRouterRoute, { token: operator.token, params: { id: router.id } }),
        add({ resource_id: router.id, peer_ipaddr: '206.126.236.70' }),
      ]);
      // Whichever came first, exactly one of the two succeeded.
      if (removed.status === 204) expect(added.status).toBe(422);
      else expect([removed.status, added.status]).toEqual([409, 201]);
    }
  });

  it('keeps a router with sessions (409) and lets it go once they are gone', async () => {
    const router = await newRouter();
    const { json: s } = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.102' });
    expect(
      (await callRoute(deleteRouterRoute, { token: operator.token, params: { id: router.id } })).status,
    ).toBe(409);
    expect(
      (await callRoute(deleteSessionRoute, { token: operator.token, params: { id: s.id } })).status,
    ).toBe(200);
    expect((await callRoute(getSessionRoute, { token: viewer.token, params: { id: s.id } })).status).toBe(
      404,
    );
    expect(
      (await callRoute(deleteRouterRoute, { token: operator.token, params: { id: router.id } })).status,
    ).toBe(204);
  });
});

describe('session passwords', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    logger.setLogLevel('SILENT');
  });

  it('never shows the password, in answers or log lines; an admin may reveal it', async () => {
    const secret = 'Sup3r-Secret.pw';
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    logger.setLogLevel('DEBUG');

    const router = await newRouter('bird2');
    const bodies: string[] = [];
    const added = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.102', password: secret });
    bodies.push(added.body);
    expect(added.json.password_set).toBe(true);
    const id = added.json.id;
    const token = operator.token;
    for (const [url, send] of [
      [`/sessions/${id}`, () => callRoute(getSessionRoute, { token, params: { id } })],
      [
        `/sessions?resource_id=${router.id}`,
        () => callRoute(listSessionsRoute, { token, query: { resource_id: router.id } }),
      ],
      [`/sessions/${id}/config`, () => callRoute(renderSessionConfigRoute, { token, params: { id } })],
      [
        `/sessions/${id}/config?platform=junos`,
        () => callRoute(renderSessionConfigRoute, { token, params: { id }, query: { platform: 'junos' } }),
      ],
      [
        `/routers/${router.id}/config`,
        () => callRoute(renderRouterConfigRoute, { token, params: { id: router.id } }),
      ],
      [`/sessions/${id}/configure`, () => callRoute(configureSessionRoute, { token, params: { id } })],
      [
        `/sessions/${id}/config/revisions`,
        () => callRoute(listConfigRevisionsRoute, { token, params: { id } }),
      ],
    ] as const) {
      const res = await send();
      expect(res.status, url).toBe(200);
      bodies.push(res.body);
    }
    const bad = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.102', password: `${secret}"` });
    bodies.push(bad.body);
    const patched = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id },
      body: { password: `${secret}2` },
    });
    bodies.push(patched.body);

    expect(
      (await callRoute(revealSessionPasswordRoute, { token: operator.token, params: { id } })).status,
    ).toBe(403);
    const revealed = await callRoute(revealSessionPasswordRoute, { token: admin.token, params: { id } });
    expect(revealed.status).toBe(200);
    expect(revealed.json.password).toBe(`${secret}2`);
    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: admin.user.id } });
    expect(audit.json.data[0]).toMatchObject({
      operation: 'revealSessionPassword',
      target: `sessions/${id}`,
      result: 'password revealed',
    });

    vi.restoreAllMocks();
    for (const body of bodies) expect(body).not.toContain(secret);
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).not.toContain(secret);
    const stored = (await tableSnapshot()).filter((item) => item.includes(id));
    for (const item of stored) expect(item).not.toContain(secret);
  });

  it('clears a password with null', async () => {
    const router = await newRouter();
    const { json: s } = await add({
      resource_id: router.id,
      peer_ipaddr: '206.126.236.70',
      password: 'abc123',
    });
    const cleared = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { password: null },
    });
    expect(cleared.json.password_set).toBe(false);
    const revealed = await callRoute(revealSessionPasswordRoute, {
      token: admin.token,
      params: { id: s.id },
    });
    expect(revealed.json.password).toBeNull();
  });
});

describe('our side of the session', () => {
  it('takes our address at the exchange from our own PeeringDB rows', async () => {
    const put = await callRoute(putSettingsRoute, {
      token: admin.token,
      body: { source_asn: 64500, source_participant_id: 100 },
    });
    expect(put.status).toBe(200);
    const router = await newRouter();
    const v4 = await add({ resource_id: router.id, peer_ipaddr: '206.126.236.102' });
    expect(v4.json.source_ipaddr).toBe('206.126.236.1');
    const v6 = await add({ resource_id: router.id, peer_ipaddr: '2001:504:0:2::2:940:1' });
    expect(v6.json.source_ipaddr).toBe('2001:504:0:2::1');
    const given = await add({
      resource_id: router.id,
      peer_ipaddr: '206.126.236.68',
      source_ipaddr: '206.126.236.2',
    });
    expect(given.json.source_ipaddr).toBe('206.126.236.2');
  });
  it('refuses a session with our own network, on add and on update, and stores nothing', async () => {
    const put = await callRoute(putSettingsRoute, {
      token: admin.token,
      body: { source_asn: 64500, source_participant_id: 100 },
    });
    expect(put.status).toBe(200);
    const router = await newRouter();
    const { json: unknownPeer } = await add({
      resource_id: router.id,
      peer_ipaddr: '206.126.236.200',
      peer_asn: 65001,
    });
    expect(unknownPeer.peer_asn).toBe(65001);
    const before = await tableSnapshot();
    for (const [body, path] of [
      [{ peer_ipaddr: '206.126.236.1' }, 'body.peer_ipaddr'],
      [{ peer_ipaddr: '2001:504:0:2::1' }, 'body.peer_ipaddr'],
      [{ peer_ipaddr: '206.126.236.201', peer_asn: 64500 }, 'body.peer_asn'],
      [{ peer_ipaddr: '206.126.236.202', peer_participant_id: 100 }, 'body.peer_participant_id'],
    ] as const) {
      const res = await add({ resource_id: router.id, ...body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.error?.message).toBe('That network is our own');
      expect(res.error?.details?.map((d: { path: string }) => d.path)).toContain(path);
    }
    for (const body of [{ peer_asn: 64500 }, { peer_ipaddr: '206.126.236.1' }]) {
      const res = await callRoute(updateSessionRoute, {
        token: operator.token,
        params: { id: unknownPeer.id },
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.error?.message).toBe('That network is our own');
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it("refuses a session whose AS on our side is the peer's own, on add and on update", async () => {
    const router = await newRouter();
    const before = await tableSnapshot();
    const added = await add({
      resource_id: router.id,
      peer_ipaddr: '206.126.236.210',
      peer_asn: 65010,
      source_asn: 65010,
    });
    expect(added.status).toBe(422);
    expect(added.error?.details?.[0]?.path).toBe('body.source_asn');
    expect(await tableSnapshot()).toEqual(before);

    const { json: session } = await add({
      resource_id: router.id,
      peer_ipaddr: '206.126.236.211',
      peer_asn: 65011,
    });
    const unchanged = await tableSnapshot();
    const patched = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: session.id },
      body: { source_asn: 65011 },
    });
    expect(patched.status).toBe(422);
    expect(patched.error?.details?.[0]?.message).toContain('AS65011');
    expect(await tableSnapshot()).toEqual(unchanged);
  });
});
