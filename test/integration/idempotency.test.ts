import { beforeAll, describe, expect, it } from 'vitest';
import { putSettings } from '../../shared/settings/settings';
import { call, callRoute, tableSnapshot, userWithRole } from '../support/api';
import { listRequestsRoute, sendRequestRoute } from '../../shared/requests/routes';
import { sendEmailRoute } from '../../shared/requests/emails-routes';
import { createRouterRoute, listRoutersRoute } from '../../shared/routers/routes';
import { addSessionRoute, listSessionsRoute } from '../../shared/sessions/routes';
import { auditRoute } from '../../shared/system/routes';
import { capturedMail } from '../support/mail';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';

const FROM = `peering-${Math.random().toString(36).slice(2, 8)}@idempotent.example`;
const captured = () => capturedMail((mail) => mail.from === FROM);
const newKey = () => `retry-${crypto.randomUUID()}`;
const keyed = (key: string) => ({ 'idempotency-key': key });

let operator: Awaited<ReturnType<typeof userWithRole>>;
let other: Awaited<ReturnType<typeof userWithRole>>;
let admin: Awaited<ReturnType<typeof userWithRole>>;

beforeAll(async () => {
  await syncObjects({
    ...ASHBURN,
    net: [
      { id: 100, asn: 64_500, name: 'Our Network' },
      { id: 2, asn: 20_940, name: 'Akamai Technologies', info_prefixes4: 20 },
      { id: 1418, asn: 16_509, name: 'Amazon.com', info_prefixes4: 200 },
      { id: 3899, asn: 12_129, name: '123.net', info_prefixes4: 10 },
    ],
    netixlan: [
      ashburnPort(10, 100, 64_500, '206.126.236.1'),
      ashburnPort(11, 2, 20_940, '206.126.236.102'),
      ashburnPort(12, 1418, 16_509, '206.126.236.68'),
      ashburnPort(13, 3899, 12_129, '206.126.236.70'),
    ],
    poc: [
      { id: 1, net_id: 2, role: 'Policy', email: 'peering@akamai.example' },
      { id: 2, net_id: 1418, role: 'Policy', email: 'peering@amazon.example' },
      { id: 3, net_id: 3899, role: 'NOC', email: 'noc@123net.example' },
    ],
  });
  await putSettings(
    {
      source_asn: 64_500,
      source_participant_id: 100,
      company_name: 'Ours',
      email_from: FROM,
      send_rate_per_second: 100,
    },
    { email: 'setup@idempotent.example' },
  );
  [operator, other, admin] = await Promise.all([
    userWithRole('operator'),
    userWithRole('operator'),
    userWithRole('admin'),
  ]);
});

async function newRouter(token: string, key?: string) {
  return callRoute(createRouterRoute, {
    token,
    ...(key ? { headers: keyed(key) } : {}),
    body: {
      hostname: `r-${crypto.randomUUID().slice(0, 8)}.example.net`,
      platform: 'frr',
      asn: 64_500,
      router_id: '192.0.2.1',
    },
  });
}

describe('Idempotency-Key', () => {
  it('answers a retry of POST /requests with the first answer and sends one mail', async () => {
    const key = newKey();
    const body = { peer_participant_id: 2 };
    const first = await callRoute(sendRequestRoute, { token: operator.token, body, headers: keyed(key) });
    const second = await callRoute(sendRequestRoute, { token: operator.token, body, headers: keyed(key) });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(
      (await captured()).filter((m) => m.destination.to.includes('peering@akamai.example')),
    ).toHaveLength(1);
    const listed = await callRoute(listRequestsRoute, {
      token: operator.token,
      query: { peer_participant_id: 2 },
    });
    expect(listed.json.data).toHaveLength(1);
    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: operator.user.id } });
    const sends = audit.json.data.filter((e) => e.operation === 'sendRequest');
    expect(sends.map((e) => e.result)).toEqual(['replayed the first answer (Idempotency-Key): sent', 'sent']);
    expect(new Set(sends.map((e) => e.target)).size).toBe(1);
  });

  it('refuses the same key with another request (422 naming the key), doing nothing', async () => {
    const key = newKey();
    const first = await callRoute(sendEmailRoute, {
      token: operator.token,
      headers: keyed(key),
      body: { peer_participant_id: 1418, subject: 'Hello', text: 'first' },
    });
    expect(first.status).toBe(201);
    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    const second = await callRoute(sendEmailRoute, {
      token: operator.token,
      headers: keyed(key),
      body: { peer_participant_id: 1418, subject: 'Hello', text: 'second' },
    });
    expect(second.status).toBe(422);
    expect(second.error?.code).toBe('idempotency_key_reused');
    expect(second.error?.message).toContain(`Idempotency-Key "${key}"`);
    expect(second.error?.details?.[0]?.path).toBe('headers.idempotency-key');
    expect(await tableSnapshot()).toEqual(before);
    expect((await captured()).length).toBe(mailsBefore);
  });

  it("keeps each user's keys apart", async () => {
    const key = newKey();
    const mine = await newRouter(operator.token, key);
    const theirs = await newRouter(other.token, key);
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.json.id).not.toBe(mine.json.id);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });

  it('creates one router for simultaneous calls with one key: the others wait (409, Retry-After) or get its answer', async () => {
    const key = newKey();
    const body = {
      hostname: `r-${key.slice(-8)}.example.net`,
      platform: 'bird2' as const,
      asn: 64_500,
      router_id: '192.0.2.2',
    };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        callRoute(createRouterRoute, { token: operator.token, headers: keyed(key), body }),
      ),
    );
    const created = answers.filter((a) => a.status === 201);
    const waiting = answers.filter((a) => a.status !== 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.json.id)).size).toBe(1);
    for (const a of waiting) {
      expect(a.status).toBe(409);
      expect(a.error?.code).toBe('idempotency_key_in_progress');
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    const routers = await callRoute(listRoutersRoute, { token: operator.token, query: { limit: 1000 } });
    expect(routers.json.data.filter((r) => r.hostname === body.hostname)).toHaveLength(1);
  });

  it('adds one session for a retried POST /sessions', async () => {
    const router = await newRouter(operator.token);
    const key = newKey();
    const body = { resource_id: router.json.id, peer_ipaddr: '206.126.236.70' };
    const first = await callRoute(addSessionRoute, { token: operator.token, headers: keyed(key), body });
    const second = await callRoute(addSessionRoute, { token: operator.token, headers: keyed(key), body });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.etag).toBe(first.headers.etag);
    const sessions = await callRoute(listSessionsRoute, {
      token: operator.token,
      query: { resource_id: router.json.id },
    });
    expect(sessions.json.data).toHaveLength(1);
  });

  it('refuses a malformed key with 422 and runs calls without a key as before', async () => {
    const before = await tableSnapshot();
    for (const key of ['x'.repeat(256), 'tab\there', ' leading', 'trailing ', 'clé']) {
      const res = await newRouter(operator.token, key);
      expect(res.status, key).toBe(422);
      expect(res.error?.details?.[0]?.path).toBe('headers.idempotency-key');
    }
    const empty = await call('POST', '/routers', {
      token: operator.token,
      headers: keyed(''),
      body: { hostname: 'empty-key.example.net', platform: 'frr', asn: 64_500, router_id: '192.0.2.3' },
    });
    expect(empty.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
    expect((await newRouter(operator.token, 'x'.repeat(255))).status).toBe(201);
    const a = await newRouter(operator.token);
    const b = await newRouter(operator.token);
    expect([a.status, b.status]).toEqual([201, 201]);
  });

  it('is not taken by the v1 gateway: each v1 call runs', async () => {
    const key = newKey();
    const send = () =>
      call('POST', '/api/v1/api.php?target=peering&action=sendEmail', {
        token: operator.token,
        headers: { ...keyed(key), 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: new URLSearchParams({
          participant_id: '3899',
          public_id: '1',
          subject: 'Twice',
          body: 'x',
        }).toString(),
      });
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(201);
    expect((await captured()).filter((m) => m.destination.to.includes('noc@123net.example'))).toHaveLength(2);
  });
});
