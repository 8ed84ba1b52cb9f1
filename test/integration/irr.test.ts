import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getIrrRoute, putIrrRoute, readPrefixLists, refreshIrrRoute } from '../../shared/irr';
import { resetConfig } from '../../shared/platform/config';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { callRoute, userWithRole } from '../support/api';
import { type IrrServer, startIrrServer } from '../support/irr-server';
import { syncObjects } from '../support/peeringdb';

let viewer = '';
let operator = '';
let server: IrrServer;

const routes = (origin: number, prefixes: string[]) => prefixes.map((prefix) => ({ prefix, origin }));

beforeAll(async () => {
  server = await startIrrServer({
    RADB: {
      routes: [
        ...routes(1, ['10.1.0.0/24', '10.1.1.0/24', '2001:db8:1::/48']),
        ...routes(2, ['10.2.0.0/24']),
        ...routes(3, ['10.3.0.0/24']),
      ],
      asSets: { 'AS-ONE': ['AS1', 'AS-TWO'], 'AS-TWO': ['AS2'], 'AS-THREE': ['AS3'], 'AS-HOLLOW': [] },
    },
    RIPE: { routes: routes(4, ['10.4.0.0/24']), asSets: { 'AS-FOUR': ['AS4'] } },
  });
  process.env.IRR_HOST = server.host;
  process.env.IRR_PORT = String(server.port);
  process.env.IRR_SOURCES = 'RADB,RIPE';
  process.env.IRR_MAX_PREFIXES = '4';
  process.env.IRR_HISTORY_VERSIONS = '3';
  resetConfig();
  viewer = (await userWithRole('viewer')).token;
  operator = (await userWithRole('operator')).token;
  await syncObjects({
    net: [
      { id: 21, asn: 64_521, name: 'One', irr_as_set: 'AS-ONE' },
      { id: 22, asn: 64_522, name: 'Several', irr_as_set: 'RIPE::AS-FOUR, AS-THREE  AS-TWO' },
      { id: 23, asn: 64_523, name: 'Nothing', irr_as_set: '' },
      { id: 24, asn: 64_524, name: 'Hollow', irr_as_set: 'AS-HOLLOW' },
      { id: 25, asn: 64_525, name: 'Garbled', irr_as_set: 'AS-ONE\n!gas1' },
      { id: 26, asn: 64_526, name: 'Big', irr_as_set: 'AS-ONE AS-THREE AS-FOUR' },
    ],
  });
});

afterAll(async () => {
  await server?.close();
  for (const k of ['IRR_HOST', 'IRR_PORT', 'IRR_SOURCES', 'IRR_MAX_PREFIXES', 'IRR_HISTORY_VERSIONS']) {
    delete process.env[k];
  }
  resetConfig();
});

async function irrItems(net: number) {
  const out = await ddb().send(
    new ScanCommand({
      TableName: tableName(),
      FilterExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `IRR#${net}` },
    }),
  );
  return (out.Items ?? []).map((i) => ({ sk: i.sk, revision: i.revision }));
}

const refresh = (net: number, token = operator) =>
  callRoute(refreshIrrRoute, { token, params: { participant_id: net } });

describe('IRR prefix lists', () => {
  it('refreshes from PeeringDB irr_as_set, nested sets expanded, and reads the lists back', async () => {
    const before = await callRoute(getIrrRoute, { token: viewer, params: { participant_id: 21 } });
    expect(before.status).toBe(200);
    expect(before.json).toMatchObject({
      status: 'not_refreshed',
      as_set: 'AS-ONE',
      as_set_source: 'peeringdb',
    });

    const res = await refresh(21);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'ok',
      as_set: 'AS-ONE',
      ipv4: ['10.1.0.0/24', '10.1.1.0/24', '10.2.0.0/24'],
      ipv6: ['2001:db8:1::/48'],
      ipv4_count: 3,
      ipv6_count: 1,
      error: null,
    });
    expect(res.json.history).toHaveLength(1);
    expect(res.json.history[0]).toMatchObject({ status: 'ok', ipv4: 3, ipv6: 1, as_set: 'AS-ONE' });
    expect(res.json.digest).toMatch(/^[0-9a-f]{64}$/);

    const lists = await readPrefixLists([21, 23, 999]);
    expect(lists.get(21)).toMatchObject({ as_set: 'AS-ONE', status: 'ok', ipv6: ['2001:db8:1::/48'] });
    expect(lists.get(21)!.refreshed_at).toBe(res.json.refreshed_at);
    expect(lists.has(999)).toBe(false);
  });

  it('reads several sets the way PeeringDB users write them, a registry named with ::', async () => {
    const res = await refresh(22);
    expect(res.json.status).toBe('ok');
    expect(res.json.ipv4).toEqual(['10.2.0.0/24', '10.3.0.0/24', '10.4.0.0/24']);
    expect(server.queries).toContain('!sRIPE');
    expect(server.queries).toContain('!iAS-FOUR');
  });

  it('stores an empty list as empty: no set named, or a set with no routes', async () => {
    for (const net of [23, 24]) {
      const res = await refresh(net);
      expect(res.json).toMatchObject({ status: 'empty', ipv4: [], ipv6: [] });
      expect(res.json.refreshed_at).not.toBeNull();
    }
    expect((await readPrefixLists([23])).get(23)).toMatchObject({ status: 'empty', ipv4: [], ipv6: [] });
  });

  it('refuses an unusable PeeringDB value without querying the server with it', async () => {
    const before = server.queries.length;
    const res = await refresh(25);
    expect(res.json.status).toBe('failed');
    expect(res.json.error).toContain('irr_as_set is unusable');
    expect(server.queries.slice(before).some((q) => q.includes('gas1'))).toBe(false);
  });

  it('refuses a set over the prefix limit with a clear message and keeps the last good lists', async () => {
    const first = await callRoute(putIrrRoute, {
      token: operator,
      params: { participant_id: 26 },
      body: { as_set: 'AS-THREE' },
    });
    expect(first.json).toMatchObject({ status: 'ok', ipv4: ['10.3.0.0/24'], as_set_source: 'override' });
    const big = await callRoute(putIrrRoute, {
      token: operator,
      params: { participant_id: 26 },
      body: { as_set: null },
    });
    expect(big.json.status).toBe('too_large');
    expect(big.json.error).toMatch(/more than 4 prefixes/);
    expect(big.json.ipv4).toEqual(['10.3.0.0/24']);
    expect((await readPrefixLists([26])).get(26)).toMatchObject({
      status: 'too_large',
      ipv4: ['10.3.0.0/24'],
    });
  });

  it('an override replaces PeeringDB set, is normalized, and is recorded with who set it', async () => {
    const res = await callRoute(putIrrRoute, {
      token: operator,
      params: { participant_id: 21 },
      body: { as_set: 'as-three,ripe::as-four' },
    });
    expect(res.status).toBe(200);
    expect(res.json.override).toMatchObject({ as_set: 'AS-THREE RIPE::AS-FOUR' });
    expect(res.json).toMatchObject({
      as_set_source: 'override',
      ipv4: ['10.3.0.0/24', '10.4.0.0/24'],
      ipv6: [],
    });
    const back = await callRoute(putIrrRoute, {
      token: operator,
      params: { participant_id: 21 },
      body: { as_set: null },
    });
    expect(back.json).toMatchObject({ override: null, as_set: 'AS-ONE', ipv4_count: 3 });
  });

  it('a failed refresh keeps the last good list and records the error', async () => {
    const good = await refresh(21);
    expect(good.json.status).toBe('ok');
    const port = process.env.IRR_PORT;
    process.env.IRR_PORT = '1'; // nothing listens there
    resetConfig();
    try {
      const failed = await refresh(21);
      expect(failed.status).toBe(200);
      expect(failed.json.status).toBe('failed');
      expect(failed.json.error).toMatch(/unreachable/);
      expect(failed.json.ipv4).toEqual(good.json.ipv4);
      expect(failed.json.refreshed_at).toBe(good.json.refreshed_at);
      expect(failed.json.history[0]).toMatchObject({ status: 'failed', digest: null });
      expect((await readPrefixLists([21])).get(21)).toMatchObject({ status: 'failed', ipv4: good.json.ipv4 });
    } finally {
      process.env.IRR_PORT = port;
      resetConfig();
    }
  });

  it('a server that drops the connection mid-answer fails the refresh, nothing else', async () => {
    const broken = await startIrrServer(server.data, { closeOn: /^!gas/ });
    process.env.IRR_PORT = String(broken.port);
    resetConfig();
    try {
      const res = await refresh(21);
      expect(res.json.status).toBe('failed');
      expect(res.json.ipv4_count).toBe(3);
    } finally {
      process.env.IRR_PORT = String(server.port);
      resetConfig();
      await broken.close();
    }
  });

  it('keeps the last N refreshes in the history, newest first', async () => {
    for (let i = 0; i < 4; i++) await refresh(24);
    const res = await callRoute(getIrrRoute, { token: viewer, params: { participant_id: 24 } });
    expect(res.json.history).toHaveLength(3);
    const times = res.json.history.map((h: { at: string }) => h.at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('keeps only the current lists: the previous lists are deleted when they change', async () => {
    await callRoute(putIrrRoute, {
      token: operator,
      params: { participant_id: 22 },
      body: { as_set: 'AS-TWO' },
    });
    const items = await irrItems(22);
    expect(items.filter((i) => String(i.sk).startsWith('LIST#'))).toHaveLength(1);
  });

  it('refuses bad AS-SET names with 422 and leaves the table unchanged', async () => {
    const before = await irrItems(21);
    for (const as_set of [
      'AS-FOO\nAS-BAR',
      'AS-FOO!gas1',
      '!!',
      'AS-FOO;DROP',
      'FOO',
      'AS-' + 'X'.repeat(100),
      'RIPE::RADB::AS-FOO',
      'AS-FOO AS-B#R',
      'AS-FOO@@RIPE',
      'AS-FOO\tAS-BAR',
      '',
      'none',
      Array.from({ length: 11 }, (_, i) => `AS-S${i}`).join(' '),
      'AS1:AS2',
      'AS-FOO-',
    ]) {
      const res = await callRoute(putIrrRoute, {
        token: operator,
        params: { participant_id: 21 },
        body: { as_set },
      });
      expect(res.status, as_set).toBe(422);
    }
    expect(await irrItems(21)).toEqual(before);
  });

  it('answers 404 for a network PeeringDB does not know', async () => {
    expect((await refresh(98_765)).status).toBe(404);
    expect((await callRoute(getIrrRoute, { token: viewer, params: { participant_id: 98_765 } })).status).toBe(
      404,
    );
  });

  it('lets viewers read and only operators change or refresh', async () => {
    expect((await callRoute(getIrrRoute, { params: { participant_id: 21 } })).status).toBe(401);
    expect((await refresh(21, viewer)).status).toBe(403);
    expect(
      (
        await callRoute(putIrrRoute, {
          token: viewer,
          params: { participant_id: 21 },
          body: { as_set: 'AS-ONE' },
        })
      ).status,
    ).toBe(403);
  });
});
