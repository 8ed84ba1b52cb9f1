import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvents, type PeerflowEvent } from '../../shared/events';
import { webhookDeliveriesSettled } from '../../shared/app/events-local';
import {
  createWebhookRoute,
  deleteWebhookRoute,
  getWebhookRoute,
  listDeliveriesRoute,
  listWebhooksRoute,
  testWebhookRoute,
  updateWebhookRoute,
} from '../../shared/webhooks/routes';
import { MAX_ATTEMPTS } from '../../shared/webhooks/delivery';
import { verifySignature } from '../../shared/webhooks/signature';
import { webhooksRepository } from '../../shared/webhooks/webhooks-store';
import { provideResolver } from '../../shared/webhooks/webhook-url';
import { webhookSecrets } from '../../shared/platform/secrets/session-passwords';
import { createRouterRoute } from '../../shared/routers/routes';
import { advanceDeployment } from '../../shared/deployments/workflow';
import { deploymentsRepository, type StoredDeployment } from '../../shared/deployments/deployments-store';
import { call, callRoute, tableSnapshot, userWithRole } from '../support/api';
import { type Receiver, startReceiver } from '../support/webhook-receiver';

let admin: Awaited<ReturnType<typeof userWithRole>>;
let operator: Awaited<ReturnType<typeof userWithRole>>;
let viewer: Awaited<ReturnType<typeof userWithRole>>;
let receiver: Receiver;

beforeAll(async () => {
  [admin, operator, viewer] = await Promise.all([
    userWithRole('admin'),
    userWithRole('operator'),
    userWithRole('viewer'),
  ]);
  receiver = await startReceiver();
});

afterAll(async () => {
  await webhookDeliveriesSettled();
  await receiver.close();
});

let paths = 0;
/** A webhook of its own path on the receiver, subscribed to `events`. */
async function webhook(events: PeerflowEvent['type'][], script: number[] = [200], secret?: string) {
  paths += 1;
  const path = `/hook-${paths}`;
  receiver.script(path, script);
  const res = await callRoute(createWebhookRoute, {
    token: admin.token,
    body: { url: receiver.url(path), events, ...(secret ? { secret } : {}) },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { ...res.json, path };
}

const event = (type: PeerflowEvent['type'], detail: Record<string, unknown> = {}): PeerflowEvent => ({
  type,
  time: new Date().toISOString(),
  router_id: 7,
  session_id: 42,
  detail,
});

async function deliveriesOf(id: string) {
  const res = await callRoute(listDeliveriesRoute, { token: admin.token, params: { id } });
  expect(res.status).toBe(200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the route's schema checked the answer
  return res.json.data as any[];
}

describe('a webhook', () => {
  it('is created with a generated secret shown once, kept encrypted, and never shown again', async () => {
    const created = await webhook(['session.state_changed']);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.secret_generated).toBe(true);
    expect(created.enabled).toBe(true);
    const got = await callRoute(getWebhookRoute, { token: admin.token, params: { id: created.id } });
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.json)).not.toContain(created.secret);
    expect(got.json).not.toHaveProperty('secret_ciphertext');
    const list = await callRoute(listWebhooksRoute, { token: admin.token });
    expect(list.json.data.map((w: { id: string }) => w.id)).toContain(created.id);
    expect(JSON.stringify(list.json)).not.toContain(created.secret);
    const stored = await webhooksRepository.get(created.id);
    expect(stored?.secret_ciphertext).toMatch(/^local1:/);
    expect(JSON.stringify(stored)).not.toContain(created.secret);
  });

  it('posts a test event signed with its secret, which the receiver can verify', async () => {
    const secret = 'a-secret-the-admin-chose-1234';
    const hook = await webhook(['deployment.finished'], [204], secret);
    expect(hook.secret).toBe(secret);
    expect(hook.secret_generated).toBe(false);
    const res = await callRoute(testWebhookRoute, { token: admin.token, params: { id: hook.id } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'delivered', attempts: 1, http_status: 204, error: null });
    const [got] = receiver.at(hook.path);
    expect(got).toBeDefined();
    const body = JSON.parse(got!.body);
    expect(body).toMatchObject({ type: 'webhook.test', router_id: null, session_id: null });
    expect(Object.keys(body).sort()).toEqual(['detail', 'id', 'router_id', 'session_id', 'time', 'type']);
    expect(got!.headers['peerflow-event-id']).toBe(body.id);
    expect(got!.headers['content-type']).toBe('application/json');
    const signature = String(got!.headers['peerflow-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, signature, got!.body)).toBe(true);
    // Another secret, or a body changed by one character, does not verify.
    expect(verifySignature('another-secret-of-16+', signature, got!.body)).toBe(false);
    expect(verifySignature(secret, signature, got!.body.replace('webhook.test', 'webhook.tesT'))).toBe(false);
  });

  it('receives only the event types it subscribed to', async () => {
    const states = await webhook(['session.state_changed']);
    const polls = await webhook(['router.poll_failed', 'session.prefix_limit_near']);
    await publishEvents([
      event('session.state_changed', { from: 'established', to: 'idle' }),
      event('router.poll_failed', { reason: 'connection refused' }),
      event('deployment.finished'),
    ]);
    await webhookDeliveriesSettled();
    expect(receiver.at(states.path).map((r) => JSON.parse(r.body).type)).toEqual(['session.state_changed']);
    expect(receiver.at(polls.path).map((r) => JSON.parse(r.body).type)).toEqual(['router.poll_failed']);
    const [body] = receiver.at(states.path).map((r) => JSON.parse(r.body));
    expect(body).toMatchObject({ router_id: 7, session_id: 42, detail: { from: 'established', to: 'idle' } });
    expect(
      verifySignature(
        states.secret,
        String(receiver.at(states.path)[0]!.headers['peerflow-signature']),
        receiver.at(states.path)[0]!.body,
      ),
    ).toBe(true);
  });

  it('is tried again with backoff after 500s, with the same event id, until it answers 2xx', async () => {
    const hook = await webhook(['session.state_changed'], [500, 503, 200]);
    await publishEvents([event('session.state_changed')]);
    await webhookDeliveriesSettled();
    const got = receiver.at(hook.path);
    expect(got.map((r) => r.headers['peerflow-delivery-attempt'])).toEqual(['1', '2', '3']);
    expect(new Set(got.map((r) => r.headers['peerflow-event-id'])).size).toBe(1);
    for (const r of got) {
      expect(verifySignature(hook.secret, String(r.headers['peerflow-signature']), r.body)).toBe(true);
    }
    const [d] = await deliveriesOf(hook.id);
    expect(d).toMatchObject({
      status: 'delivered',
      attempts: 3,
      http_status: 200,
      error: null,
      next_retry: null,
      event_type: 'session.state_changed',
    });
    expect(d.attempt_log.map((a: { http_status: number }) => a.http_status)).toEqual([500, 503, 200]);
  });

  it('takes a 429 as "later", and gives up after the last attempt', async () => {
    const hook = await webhook(['router.poll_failed'], [429, 500]);
    await publishEvents([event('router.poll_failed')]);
    await webhookDeliveriesSettled();
    expect(receiver.at(hook.path)).toHaveLength(MAX_ATTEMPTS);
    const [d] = await deliveriesOf(hook.id);
    expect(d).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, http_status: 500, next_retry: null });
    expect(d.attempt_log[0].http_status).toBe(429);
  });

  for (const status of [410, 400]) {
    it(`takes a ${status} as final: one attempt, never retried`, async () => {
      const hook = await webhook(['session.state_changed'], [status, 200]);
      await publishEvents([event('session.state_changed')]);
      await webhookDeliveriesSettled();
      expect(receiver.at(hook.path)).toHaveLength(1);
      const [d] = await deliveriesOf(hook.id);
      expect(d).toMatchObject({
        status: 'failed',
        attempts: 1,
        http_status: status,
        error: `HTTP ${status}`,
      });
    });
  }

  it('tries again when nothing listens, and records the error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await callRoute(createWebhookRoute, {
      token: admin.token,
      body: { url: `http://127.0.0.1:${port}/nobody`, events: ['session.state_changed'] },
    });
    expect(res.status).toBe(201);
    await publishEvents([event('session.state_changed')]);
    await webhookDeliveriesSettled();
    const [d] = await deliveriesOf(res.json.id);
    expect(d).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, http_status: null });
    expect(d.error).toMatch(/ECONNREFUSED/);
  });

  it('lists its deliveries newest first, and stops delivering once disabled or deleted', async () => {
    const hook = await webhook(['session.prefix_limit_near']);
    await publishEvents([event('session.prefix_limit_near', { n: 1 })]);
    await webhookDeliveriesSettled();
    await publishEvents([event('session.prefix_limit_near', { n: 2 })]);
    await webhookDeliveriesSettled();
    const list = await deliveriesOf(hook.id);
    expect(list).toHaveLength(2);
    expect(Date.parse(list[0].event_time)).toBeGreaterThanOrEqual(Date.parse(list[1].event_time));
    expect(list[0]).not.toHaveProperty('event');

    const off = await callRoute(updateWebhookRoute, {
      token: admin.token,
      params: { id: hook.id },
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    expect(off.json.enabled).toBe(false);
    await publishEvents([event('session.prefix_limit_near', { n: 3 })]);
    await webhookDeliveriesSettled();
    expect(receiver.at(hook.path)).toHaveLength(2);

    const gone = await callRoute(deleteWebhookRoute, { token: admin.token, params: { id: hook.id } });
    expect(gone.status).toBe(204);
    const again = await callRoute(listDeliveriesRoute, { token: admin.token, params: { id: hook.id } });
    expect(again.status).toBe(404);
  });

  it('changes its secret: deliveries are signed with the new one', async () => {
    const hook = await webhook(['session.state_changed']);
    const secret = 'the-new-secret-0123456789';
    const res = await callRoute(updateWebhookRoute, {
      token: admin.token,
      params: { id: hook.id },
      body: { secret, version: hook.version },
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json)).not.toContain(secret);
    const stale = await callRoute(updateWebhookRoute, {
      token: admin.token,
      params: { id: hook.id },
      body: { description: 'late', version: hook.version },
    });
    expect(stale.status).toBe(409);
    await callRoute(testWebhookRoute, { token: admin.token, params: { id: hook.id } });
    const [got] = receiver.at(hook.path);
    expect(verifySignature(secret, String(got!.headers['peerflow-signature']), got!.body)).toBe(true);
    expect(verifySignature(hook.secret, String(got!.headers['peerflow-signature']), got!.body)).toBe(false);
  });
});

describe('a webhook whose name now resolves inside', () => {
  afterAll(() => provideResolver(async () => []));

  it('is refused at the attempt, once, and the delivery ends there', async () => {
    // Stored while its name pointed outside; since then the name answers a private address.
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    await webhooksRepository.create({
      id,
      url: 'https://rebound.example.com/hook',
      events: ['router.poll_failed'],
      description: null,
      enabled: true,
      secret_ciphertext: await webhookSecrets().encrypt('whsec_rebound-secret', id),
      created: now,
      modified: now,
      created_by: admin.email,
      version: 1,
    });
    const asked: string[] = [];
    provideResolver(async (host) => {
      asked.push(host);
      return ['10.0.0.7'];
    });
    await publishEvents([event('router.poll_failed')]);
    await webhookDeliveriesSettled();
    expect(asked).toEqual(['rebound.example.com']);
    const [d] = await deliveriesOf(id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, http_status: null, next_retry: null });
    expect(d.error).toMatch(/refused: .*10\.0\.0\.7/);
  });
});

describe('what a webhook may be', () => {
  const refused: [string, Record<string, unknown>][] = [
    ['plain http to a public host', { url: 'http://example.com/hook' }],
    ['the metadata service', { url: 'https://169.254.169.254/latest/meta-data/' }],
    ['the metadata service over http', { url: 'http://169.254.169.254/latest/meta-data/' }],
    ['a private address', { url: 'https://10.1.2.3/hook' }],
    ['a private address in another spelling', { url: 'https://0xa010203/hook' }],
    ['an IPv6 unique-local address', { url: 'https://[fd00:ec2::254]/' }],
    ['an IPv4-mapped private address', { url: 'https://[::ffff:10.0.0.1]/' }],
    ['credentials in the URL', { url: 'https://user:pass@example.com/hook' }],
    ['another scheme', { url: 'file:///etc/passwd' }],
    ['a script', { url: 'javascript:alert(1)' }],
    ['a low port', { url: 'https://example.com:25/hook' }],
    ['an internal name', { url: 'https://metadata.google.internal/' }],
    ['a local name', { url: 'https://printer.local/' }],
    ['a bare host name', { url: 'https://intranet/' }],
    ['a fragment', { url: 'https://example.com/hook#x' }],
    ['an unknown event type', { events: ['session.deleted'] }],
    ['no event type', { events: [] }],
    ['an event type twice', { events: ['session.state_changed', 'session.state_changed'] }],
    ['a short secret', { secret: 'short' }],
    ['a secret with a space', { secret: 'a secret with spaces in it' }],
    ['a description of two lines', { description: 'one\ntwo' }],
    ['an unknown field', { active: true }],
  ];
  for (const [what, over] of refused) {
    it(`refuses ${what} with 422, and stores nothing`, async () => {
      const before = await tableSnapshot();
      const res = await call('POST', '/webhooks', {
        token: admin.token,
        body: { url: 'https://example.com/hook', events: ['session.state_changed'], ...over },
      });
      expect(res.status, JSON.stringify(res.json)).toBe(422);
      expect(res.json.error.details.length).toBeGreaterThan(0);
      expect(await tableSnapshot()).toEqual(before);
    });
  }

  it('refuses a change to a refused URL, and keeps the old one', async () => {
    const hook = await webhook(['session.state_changed']);
    const res = await callRoute(updateWebhookRoute, {
      token: admin.token,
      params: { id: hook.id },
      body: { url: 'https://192.168.1.1/' },
    });
    expect(res.status).toBe(422);
    const got = await callRoute(getWebhookRoute, { token: admin.token, params: { id: hook.id } });
    expect(got.json.url).toBe(hook.url);
  });

  it('is for admins only: viewers and operators get 403 and change nothing', async () => {
    const hook = await webhook(['session.state_changed']);
    for (const user of [viewer, operator]) {
      const before = await tableSnapshot();
      const answers = await Promise.all([
        call('POST', '/webhooks', {
          token: user.token,
          body: { url: 'https://example.com/hook', events: ['session.state_changed'] },
        }),
        call('GET', '/webhooks', { token: user.token }),
        call('GET', `/webhooks/${hook.id}`, { token: user.token }),
        call('PATCH', `/webhooks/${hook.id}`, { token: user.token, body: { enabled: false } }),
        call('DELETE', `/webhooks/${hook.id}`, { token: user.token }),
        call('GET', `/webhooks/${hook.id}/deliveries`, { token: user.token }),
        call('POST', `/webhooks/${hook.id}/test`, { token: user.token }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
      expect(await tableSnapshot()).toEqual(before);
    }
    expect(receiver.at(hook.path)).toHaveLength(0);
  });
});

describe('deployment.finished', () => {
  it('is raised once a deployment has ended, with its outcome and its sessions counted', async () => {
    const hook = await webhook(['deployment.finished']);
    const router = await callRoute(createRouterRoute, {
      token: operator.token,
      body: {
        hostname: `events-${crypto.randomUUID().slice(0, 8)}.example.net`,
        platform: 'bird2',
        asn: 64500,
        router_id: '192.0.2.1',
      },
    });
    expect(router.status).toBe(201);
    const now = new Date().toISOString();
    const session = (n: number, outcome: 'established' | 'not_established' | 'unchanged') => ({
      session_id: null,
      number: n,
      peer_ipaddr: `192.0.2.${n}`,
      change: 'changed' as const,
      fingerprint: null,
      state_before: null,
      state_after: outcome === 'established' ? 'established' : 'active',
      outcome,
    });
    // A deployment whose end is decided: the workflow's last step settles it and writes the status.
    const d: StoredDeployment = {
      id: crypto.randomUUID(),
      router_id: router.json.id,
      hostname: router.json.hostname,
      status: 'verifying',
      dry_run: false,
      confirm_seconds: 120,
      verify_seconds: 0,
      require_established: false,
      trigger: 'api',
      session_ids: [],
      remove_session_ids: [],
      custom_config: null,
      requested_by: operator.email,
      created: now,
      modified: now,
      finished: null,
      identity: null,
      config_sha256: null,
      diff: null,
      sessions: [session(10, 'established'), session(11, 'established'), session(12, 'not_established')],
      steps: [],
      reason: null,
      verify_until: now,
      ending: 'succeeded',
      settled_since: null,
      version: 1,
    };
    await deploymentsRepository.create(d);
    expect(await advanceDeployment(d.id)).toMatchObject({ done: true, status: 'succeeded' });
    // Once more: the status is final, nothing is raised twice.
    expect(await advanceDeployment(d.id)).toMatchObject({ done: true, status: 'succeeded' });
    await webhookDeliveriesSettled();
    const got = receiver.at(hook.path).map((r) => JSON.parse(r.body));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      type: 'deployment.finished',
      router_id: router.json.number,
      session_id: null,
      detail: {
        deployment_id: d.id,
        router_uuid: router.json.id,
        status: 'succeeded',
        dry_run: false,
        sessions: { total: 3, established: 2, not_established: 1, unchanged: 0, removed: 0 },
      },
    });
    const stored = await deploymentsRepository.get(d.id);
    expect(Date.parse(got[0].time)).toBe(Date.parse(stored!.finished!));
  });
});
