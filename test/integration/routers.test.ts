import { beforeAll, describe, expect, it } from 'vitest';
import {
  createRouterRoute,
  deleteRouterRoute,
  getRouterRoute,
  listRoutersRoute,
  updateRouterRoute,
} from '../../shared/routers/routes';
import { call, callRoute, type RouteBody, tableSnapshot, userWithRole } from '../support/api';

type RouterBody = RouteBody<typeof createRouterRoute>;

const body = (over: Partial<RouterBody> = {}): RouterBody => ({
  hostname: `r${Math.random().toString(36).slice(2, 8)}.example.net`,
  platform: 'frr',
  asn: 64500,
  router_id: '192.0.2.1',
  ...over,
});

let op: { token: string };
let viewer: { token: string };

beforeAll(async () => {
  [op, viewer] = await Promise.all([userWithRole('operator'), userWithRole('viewer')]);
});

describe('routers', () => {
  it('creates, reads, lists, changes and deletes a router', async () => {
    const created = await callRoute(createRouterRoute, {
      token: op.token,
      body: body({ hostname: 'AR1.Example.net' }),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      hostname: 'ar1.example.net',
      platform: 'frr',
      asn: 64500,
      version: 1,
    });
    expect(created.headers.etag).toBe('"1"');
    const id = created.json.id;

    const got = await callRoute(getRouterRoute, { token: op.token, params: { id } });
    expect(got.json).toEqual(created.json);

    const listed = await callRoute(listRoutersRoute, { token: op.token });
    expect(listed.json.data.map((r: { id: string }) => r.id)).toContain(id);

    const patched = await callRoute(updateRouterRoute, {
      token: op.token,
      params: { id },
      body: { platform: 'junos', version: 1, mgmt_address: '2001:DB8::1' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ platform: 'junos', version: 2, mgmt_address: '2001:db8::1' });

    const removed = await callRoute(deleteRouterRoute, { token: op.token, params: { id } });
    expect(removed.status).toBe(204);
    expect((await callRoute(getRouterRoute, { token: op.token, params: { id } })).status).toBe(404);
  });

  it('numbers each router once: integers in creation order, the same at every read and after changes', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) {
      const res = await callRoute(createRouterRoute, { token: op.token, body: body() });
      expect(res.status).toBe(201);
      created.push(res.json);
    }
    const numbers = created.map((r) => r.number!);
    expect(numbers.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    expect(new Set(numbers).size).toBe(3);
    const [first] = created;
    const changed = await callRoute(updateRouterRoute, {
      token: op.token,
      params: { id: first!.id },
      body: { hostname: body().hostname, asn: 64501 },
    });
    expect(changed.json.number).toBe(first!.number);
    const listed = await callRoute(listRoutersRoute, { token: op.token, query: { limit: 1000 } });
    const byId = new Map(listed.json.data.map((r) => [r.id, r.number]));
    expect(created.map((r) => byId.get(r.id))).toEqual(numbers);
    // A deleted router's number is not given again.
    await callRoute(deleteRouterRoute, { token: op.token, params: { id: created[2]!.id } });
    const next = await callRoute(createRouterRoute, { token: op.token, body: body() });
    expect(next.json.number).toBeGreaterThan(numbers[2]!);
  });

  it('refuses a second router with the same host name, whatever its case', async () => {
    expect(
      (await callRoute(createRouterRoute, { token: op.token, body: body({ hostname: 'dup.example.net' }) }))
        .status,
    ).toBe(201);
    const again = await callRoute(createRouterRoute, {
      token: op.token,
      body: body({ hostname: 'DUP.example.net' }),
    });
    expect(again.status).toBe(409);
  });

  it('answers 422 for bad values and stores nothing', async () => {
    const before = await tableSnapshot();
    // An unknown platform is outside the contract's types: sent raw.
    const bad = await call('POST', '/routers', {
      token: op.token,
      body: { hostname: 'bad host;\nname', platform: 'vyos', asn: 4_294_967_296, router_id: '2001:db8::1' },
    });
    expect(bad.status).toBe(422);
    const paths = bad.json.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['body.asn', 'body.hostname', 'body.platform', 'body.router_id']);
    const zero = await callRoute(createRouterRoute, { token: op.token, body: body({ asn: 0 }) });
    expect(zero.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses a stale change with 409 and keeps the router as it was', async () => {
    const { json: router } = await callRoute(createRouterRoute, { token: op.token, body: body() });
    const first = await callRoute(updateRouterRoute, {
      token: op.token,
      params: { id: router.id },
      body: { asn: 64501 },
      headers: { 'if-match': '"1"' },
    });
    expect(first.status).toBe(200);
    const before = await tableSnapshot();
    const stale = await callRoute(updateRouterRoute, {
      token: op.token,
      params: { id: router.id },
      body: { asn: 64502 },
      headers: { 'if-match': '"1"' },
    });
    expect(stale.status).toBe(409);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('lets viewers read but not write, and needs a token', async () => {
    expect((await callRoute(listRoutersRoute, { token: viewer.token })).status).toBe(200);
    expect((await callRoute(createRouterRoute, { token: viewer.token, body: body() })).status).toBe(403);
    expect((await callRoute(listRoutersRoute)).status).toBe(401);
  });

  it('answers 404 for an unknown router', async () => {
    const res = await callRoute(deleteRouterRoute, { token: op.token, params: { id: crypto.randomUUID() } });
    expect(res.status).toBe(404);
  });
});
