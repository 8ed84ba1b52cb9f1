import { beforeAll, describe, expect, it } from 'vitest';
import { deploymentsRepository, type StoredDeployment } from '../../shared/deployments/deployments-store';
import { routes } from '../../shared/app/route-table';
import type { RouteContract } from '../../shared/platform/http/contract';
import type * as z from '../../shared/platform/zod';
import { putSettings } from '../../shared/settings/settings';
import { createRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute, listSessionsRoute } from '../../shared/sessions/routes';
import { listPeersRoute } from '../../shared/peers/routes';
import { listExchangesRoute } from '../../shared/exchanges/exchanges-routes';
import { sendRequestRoute } from '../../shared/requests/routes';
import { call, callRoute, routeUrl, tableSnapshot, userWithRole, type ApiResponse } from '../support/api';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';
import { createWebhookRoute } from '../../shared/webhooks/routes';
import { pollRepository } from '../../shared/polling';
import { deliveriesRepository, type StoredDelivery } from '../../shared/webhooks/webhooks-store';

/**
 * Every list of the route table (every route whose query takes `cursor`) refuses a cursor it did
 * not issue for this very list: a raw key made up by the client, one edited by a byte, one from
 * another list, one issued for other parameters. Each is a 422 naming `query.cursor`, never a 5xx,
 * and changes nothing. A list added to the route table is covered here without being named.
 */
const LISTS = routes.filter((r) => r.query !== undefined && 'cursor' in r.query.shape);

/** The path parameters the lists are read with here, and the other values that make another list. */
const PARAMS: Record<string, number | string> = { public_id: 1 };
const OTHER_PARAMS: Record<string, number | string> = { public_id: 2 };
/** Lists whose `id` names something else than a router: their own values, by operation. */
const PARAMS_OF: Record<string, Record<string, string>> = {};
const OTHER_PARAMS_OF: Record<string, Record<string, string>> = {};

const PAGING = new Set(['cursor', 'limit']);
const CANDIDATES = ['true', '1', 'a', '2020-01-01T00:00:00Z', '2020-01', crypto.randomUUID()];

let admin = '';

function paramsOf(
  route: RouteContract,
  values: Record<string, number | string>,
): Record<string, number | string> {
  values = { ...values, ...(values === OTHER_PARAMS ? OTHER_PARAMS_OF : PARAMS_OF)[route.operationId] };
  const names = Object.keys(route.params?.shape ?? {});
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length > 0) throw new Error(`${route.operationId}: give a value for ${missing.join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, values[n]!]));
}

function list(
  route: RouteContract,
  query: Record<string, string | number>,
  values: Record<string, number | string> = PARAMS,
): Promise<ApiResponse> {
  return call('GET', routeUrl(route, paramsOf(route, values), query), { token: admin });
}

/** A filter of the route and a value its schema takes, when the route has filters. */
function someFilter(route: RouteContract): Record<string, string> | undefined {
  const shape = (route.query?.shape ?? {}) as Record<string, z.ZodMiniType>;
  for (const name of Object.keys(shape).filter((n) => !PAGING.has(n))) {
    const value = CANDIDATES.find((c) => route.query!.safeParse({ [name]: c }).success);
    if (value !== undefined) return { [name]: value };
  }
  return undefined;
}

/** The cursor of the first page of one item. */
async function firstCursor(route: RouteContract, query: Record<string, string> = {}): Promise<string> {
  const res = await list(route, { ...query, limit: 1 });
  expect(res.status, route.operationId).toBe(200);
  expect(typeof res.json.next_cursor, `${route.operationId} needs two items to page`).toBe('string');
  return res.json.next_cursor as string;
}

function expectInvalidCursor(res: ApiResponse, what: string) {
  expect(res.status, what).toBe(422);
  expect(res.json, what).toEqual({
    error: {
      code: 'validation_failed',
      message: 'Invalid cursor',
      details: [{ path: 'query.cursor', message: expect.any(String) }],
    },
  });
}

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Cursors as a client could make them up: DynamoDB keys of every shape, our inner forms, junk. */
const FORGED = [
  raw({ pk: 5 }),
  raw({ pk: 5, sk: 5 }),
  raw({ pk: 'SESSION#x', sk: 'SESSION' }),
  raw({ pk: 'USER#x', sk: 'USER', gsi1pk: 'USERS', gsi1sk: 'x' }),
  raw({ gsi1pk: { S: 'x' }, pk: [1] }),
  raw({ list: 'present', offset: -5 }),
  raw({ list: 'members', after: ['a', 1] }),
  raw({}),
  raw(null),
  'bm90IGEgY3Vyc29y',
  'a.b.c',
  `${raw({ pk: 5 })}.0.${'A'.repeat(22)}`,
];

function decoded(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What a client reads in a cursor, made up again with one value changed: a number or an object
 * where the key holds text, text far too long, a key added; inside a nested cursor too. Such a key
 * passes a check of its partition and reaches DynamoDB.
 */
function remade(value: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    { ...value, pk: 5 },
    { ...value, extra: 'x' },
  ];
  for (const [name, v] of Object.entries(value)) {
    out.push({ ...value, [name]: 5 }, { ...value, [name]: {} }, { ...value, [name]: 'x'.repeat(1000) });
    const nested = typeof v === 'string' ? decoded(v.split('.')[0]!) : undefined;
    if (nested) out.push(...remade(nested).map((n) => ({ ...value, [name]: raw(n) })));
  }
  return out;
}

/** The cursor edited: cut short, one character changed at each place, a character added. */
function tampered(cursor: string): string[] {
  const flip = (i: number) => {
    const c = cursor[i]!;
    const other = c === 'A' ? 'B' : c === '.' ? '_' : 'A';
    return cursor.slice(0, i) + other + cursor.slice(i + 1);
  };
  const places = [
    0,
    1,
    Math.floor(cursor.length / 2),
    cursor.length - 23,
    cursor.length - 2,
    cursor.length - 1,
  ];
  return [
    cursor.slice(0, -1),
    cursor.slice(0, Math.floor(cursor.length / 2)),
    cursor.slice(1),
    `${cursor}A`,
    ...places.map(flip),
  ];
}

beforeAll(async () => {
  const pdb = {
    ix: [...ASHBURN.ix, { id: 2, name: 'Quiet IX' }],
    ixlan: [...ASHBURN.ixlan, { id: 2, ix_id: 2 }],
    ixpfx: ASHBURN.ixpfx,
    net: [
      { id: 2, asn: 20940, name: 'Akamai Technologies' },
      { id: 1418, asn: 16509, name: 'Amazon.com' },
      { id: 3899, asn: 12129, name: '123.net' },
      { id: 100, asn: 64500, name: 'Our Network' },
    ],
    poc: [
      { id: 1, net_id: 2, role: 'Policy', email: 'peering@akamai.example' },
      { id: 2, net_id: 1418, role: 'Policy', email: 'peering@amazon.example' },
    ],
    netixlan: [
      ashburnPort(10, 2, 20940, '206.126.236.102'),
      ashburnPort(11, 1418, 16509, '206.126.236.68'),
      ashburnPort(12, 3899, 12129, '206.126.236.70'),
      ashburnPort(13, 100, 64500, '206.126.236.1'),
    ],
  };
  // Two runs: the sync run list has two pages of one.
  await syncObjects(pdb);
  await syncObjects(pdb);
  await putSettings(
    {
      source_asn: 64500,
      source_participant_id: 100,
      email_from: 'peering@ours.example',
      send_rate_per_second: 100,
    },
    { email: 'setup@example.net' },
  );
  const [a, operator] = await Promise.all([userWithRole('admin'), userWithRole('operator')]);
  admin = a.token;
  for (const peer of [2, 1418]) {
    const sent = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: peer },
    });
    expect(sent.status).toBe(201);
  }
  const routerIds: string[] = [];
  for (const name of ['r1', 'r2']) {
    const router = await callRoute(createRouterRoute, {
      token: operator.token,
      body: { hostname: `${name}.example.net`, platform: 'frr', asn: 64500, router_id: '192.0.2.1' },
    });
    expect(router.status).toBe(201);
    routerIds.push(router.json.id);
  }
  // Each router's deployment list has two pages of one (records as the workflow leaves them).
  for (const routerId of routerIds) {
    for (const minute of [1, 2]) {
      await deploymentsRepository.create(endedDeployment(routerId, `2026-12-01T00:0${minute}:00.000Z`));
    }
  }
  PARAMS.id = routerIds[0]!;
  OTHER_PARAMS.id = routerIds[1]!;
  // Two webhooks (two pages of one), each with two deliveries (likewise).
  const hookIds: string[] = [];
  for (const n of [1, 2]) {
    const hook = await callRoute(createWebhookRoute, {
      token: admin,
      body: { url: `http://127.0.0.1:9/hook-${n}`, events: ['deployment.finished'] },
    });
    expect(hook.status).toBe(201);
    hookIds.push(hook.json.id);
    for (const minute of [1, 2]) {
      await deliveriesRepository.create(pastDelivery(hook.json.id, `2026-12-01T00:0${minute}:00.000Z`));
    }
  }
  PARAMS_OF.listWebhookDeliveries = { id: hookIds[0]! };
  OTHER_PARAMS_OF.listWebhookDeliveries = { id: hookIds[1]! };
  const sessionIds: string[] = [];
  for (const ip of ['206.126.236.102', '206.126.236.68', '206.126.236.70']) {
    const added = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: routerIds[0]!, peer_ipaddr: ip },
    });
    expect(added.status).toBe(201);
    sessionIds.push(added.json.id);
  }
  // Two sessions' histories, each of two pages of one (entries as polls write them).
  for (const sessionId of sessionIds.slice(0, 2)) {
    await pollRepository.appendHistory(
      (['active', 'established'] as const).map((to, i) => ({
        session_id: sessionId,
        router_id: routerIds[0]!,
        at: `2026-12-01T00:0${i + 1}:00.000Z`,
        from: i === 0 ? null : 'active',
        to,
        prfx_received: i,
        prfx_accepted: i,
        reason: null,
      })),
    );
  }
  PARAMS_OF.getSessionHistory = { id: sessionIds[0]! };
  OTHER_PARAMS_OF.getSessionHistory = { id: sessionIds[1]! };
});

function pastDelivery(webhookId: string, time: string): StoredDelivery {
  const id = crypto.randomUUID();
  return {
    webhook_id: webhookId,
    event_id: id,
    event_type: 'deployment.finished',
    event_time: time,
    event: { id, type: 'deployment.finished', time, router_id: 1, session_id: null, detail: {} },
    status: 'delivered',
    attempts: 1,
    attempt_log: [{ attempt: 1, time, http_status: 204, error: null }],
    http_status: 204,
    error: null,
    next_retry: null,
    created: time,
    modified: time,
  };
}

function endedDeployment(routerId: string, created: string): StoredDeployment {
  return {
    id: crypto.randomUUID(),
    router_id: routerId,
    hostname: 'r.example.net',
    status: 'failed',
    dry_run: true,
    confirm_seconds: 120,
    verify_seconds: 60,
    require_established: false,
    trigger: 'api',
    session_ids: [],
    remove_session_ids: [],
    custom_config: null,
    requested_by: 'setup@example.net',
    created,
    modified: created,
    finished: created,
    identity: null,
    config_sha256: null,
    diff: null,
    sessions: [],
    steps: [],
    reason: 'router r.example.net has no management connection',
    verify_until: null,
    settled_since: null,
    ending: null,
    version: 1,
  };
}

describe('list cursors', () => {
  it('finds the lists of the route table', () => {
    expect(LISTS.map((r) => r.operationId)).toEqual(
      expect.arrayContaining(['getSessions', 'getPeers', 'listExchanges', 'listAudit', 'listUsers']),
    );
  });

  describe.each(LISTS.map((r) => [r.operationId, r] as const))('%s', (_, route) => {
    it('refuses a cursor made up by the client, and changes nothing', async () => {
      const real = decoded((await firstCursor(route)).split('.')[0]!);
      const forged = [...FORGED, ...(real ? remade(real).map(raw) : [])];
      const before = await tableSnapshot();
      for (const cursor of forged) expectInvalidCursor(await list(route, { cursor }), cursor.slice(0, 200));
      expect(await tableSnapshot()).toEqual(before);
    });

    it('refuses its own cursor cut short or edited by one character', async () => {
      const cursor = await firstCursor(route);
      const before = await tableSnapshot();
      for (const edited of tampered(cursor))
        expectInvalidCursor(await list(route, { cursor: edited }), edited);
      expect(await tableSnapshot()).toEqual(before);
    });

    it('refuses the cursor of another list', async () => {
      const others = LISTS.filter((r) => r !== route);
      const before = await tableSnapshot();
      for (const other of others) {
        const cursor = await firstCursor(other);
        expectInvalidCursor(await list(route, { cursor }), `cursor of ${other.operationId}`);
      }
      expect(await tableSnapshot()).toEqual(before);
    });

    it('refuses its cursor with other filters or another path, and takes it with another limit', async () => {
      const cursor = await firstCursor(route);
      const filter = someFilter(route);
      const hasParams = Object.keys(route.params?.shape ?? {}).length > 0;
      const before = await tableSnapshot();
      if (filter) expectInvalidCursor(await list(route, { ...filter, cursor }), JSON.stringify(filter));
      if (hasParams) expectInvalidCursor(await list(route, { cursor }, OTHER_PARAMS), 'other path');
      expect(await tableSnapshot()).toEqual(before);
      expect((await list(route, { cursor, limit: 3 })).status).toBe(200);
      // A list with neither filters nor path parameters has nothing else to bind.
      expect(filter !== undefined || hasParams || Object.keys(route.query!.shape).length === 2).toBe(true);
    });

    it('walks every item exactly once, page by page', async () => {
      const whole = await list(route, { limit: 100 });
      expect(whole.status).toBe(200);
      expect(whole.json.next_cursor).toBeNull();
      const seen: unknown[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        // The page size may change as the client goes.
        const res = await list(route, { limit: 1 + (pages % 2), ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        seen.push(...(res.json.data as unknown[]));
        cursor = res.json.next_cursor as string | null;
        pages += 1;
      } while (cursor && pages < 200);
      const key = (item: unknown) => JSON.stringify(item);
      expect(new Set(seen.map(key)).size).toBe(seen.length);
      expect(seen.map(key).sort()).toEqual((whole.json.data as unknown[]).map(key).sort());
    });
  });

  it('walks sessions, peers and exchanges with filters, each item once', async () => {
    const cases: [RouteContract, Record<string, string>][] = [
      [listSessionsRoute, { peer_asn: '20940' }],
      [listSessionsRoute, { type: 'Peer' }],
      [listPeersRoute, { policy_general: 'Open' }],
      [listExchangesRoute, { country: 'US' }],
    ];
    for (const [route, filter] of cases) {
      const whole = await list(route, { ...filter, limit: 100 });
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(route, { ...filter, limit: 1, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        seen.push(...(res.json.data as unknown[]));
        cursor = res.json.next_cursor as string | null;
      } while (cursor);
      expect(seen).toEqual(whole.json.data);
      expect(seen.length).toBeGreaterThan(0);
    }
  });
});
