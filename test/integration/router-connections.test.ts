import { beforeAll, describe, expect, it } from 'vitest';
import { createRouterRoute, deleteRouterRoute, updateRouterRoute } from '../../shared/routers/routes';
import {
  deleteConnectionRoute,
  getConnectionRoute,
  putConnectionRoute,
  startDeploymentRoute,
} from '../../shared/deployments/routes';
import { connectionsRepository } from '../../shared/deployments/connections';
import { call, callRoute, tableSnapshot, userWithRole } from '../support/api';

let admin: Awaited<ReturnType<typeof userWithRole>>;
let operator: Awaited<ReturnType<typeof userWithRole>>;

beforeAll(async () => {
  [admin, operator] = await Promise.all([userWithRole('admin'), userWithRole('operator')]);
});

const FINGERPRINT = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
const PASSWORD = 'correct horse battery staple';

async function newRouter() {
  const res = await callRoute(createRouterRoute, {
    token: admin.token,
    body: {
      hostname: `conn-${crypto.randomUUID().slice(0, 8)}.example.net`,
      platform: 'bird2',
      asn: 64500,
      router_id: '192.0.2.1',
    },
  });
  expect(res.status).toBe(201);
  return res.json;
}

const valid = () => ({
  transport: 'ssh' as const,
  host: '198.51.100.10',
  port: 22,
  username: 'peerflow',
  password: PASSWORD,
  host_key_sha256: FINGERPRINT,
  options: { managed_path: '/etc/bird/peerflow.conf', main_config_path: '/etc/bird/bird.conf' },
});

describe('a router management connection', () => {
  it('is stored with its secret encrypted, and read back without it', async () => {
    const router = await newRouter();
    const put = await callRoute(putConnectionRoute, {
      token: admin.token,
      params: { id: router.id },
      body: valid(),
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      router_id: router.id,
      host: '198.51.100.10',
      secret_kind: 'password',
      host_key_sha256: FINGERPRINT,
      options: { control_socket: null, sudo: false },
    });
    const got = await callRoute(getConnectionRoute, { token: admin.token, params: { id: router.id } });
    expect(got.status).toBe(200);
    expect(JSON.stringify(got.json)).not.toContain(PASSWORD);
    expect(got.json).not.toHaveProperty('secret_ciphertext');
    // At rest: a ciphertext, never the password.
    const stored = await connectionsRepository.get(router.id);
    expect(stored?.secret_ciphertext).toMatch(/^local1:/);
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);
  });

  it('takes a fingerprint as hex digits too, and keeps it in the form ssh-keygen prints', async () => {
    const router = await newRouter();
    const hex = Buffer.from(FINGERPRINT.slice(7), 'base64').toString('hex');
    const put = await callRoute(putConnectionRoute, {
      token: admin.token,
      params: { id: router.id },
      body: { ...valid(), host_key_sha256: hex.toUpperCase() },
    });
    expect(put.status).toBe(200);
    expect(put.json.host_key_sha256).toBe(FINGERPRINT);
  });

  it("keeps its router's platform: a platform change is a 409 until the connection is deleted", async () => {
    const router = await newRouter();
    expect(
      (await callRoute(putConnectionRoute, { token: admin.token, params: { id: router.id }, body: valid() }))
        .status,
    ).toBe(200);
    const before = await tableSnapshot();
    const moved = await callRoute(updateRouterRoute, {
      token: admin.token,
      params: { id: router.id },
      body: { platform: 'junos' },
    });
    expect(moved.status).toBe(409);
    expect(moved.error?.message).toMatch(/has a ssh connection made for bird2/);
    expect(moved.error?.message).toContain(`DELETE /routers/${router.id}/connection`);
    expect(await tableSnapshot()).toEqual(before);
    // Other changes go through.
    const renamed = await callRoute(updateRouterRoute, {
      token: admin.token,
      params: { id: router.id },
      body: { platform: 'bird2', asn: 64501 },
    });
    expect(renamed.status, JSON.stringify(renamed.json)).toBe(200);
    expect(
      (await callRoute(deleteConnectionRoute, { token: admin.token, params: { id: router.id } })).status,
    ).toBe(204);
    const now = await callRoute(updateRouterRoute, {
      token: admin.token,
      params: { id: router.id },
      body: { platform: 'junos' },
    });
    expect(now.status, JSON.stringify(now.json)).toBe(200);
    expect(now.json.platform).toBe('junos');
  });

  it('is for admins only', async () => {
    const router = await newRouter();
    const before = await tableSnapshot();
    const put = await callRoute(putConnectionRoute, {
      token: operator.token,
      params: { id: router.id },
      body: valid(),
    });
    expect(put.status).toBe(403);
    expect(
      (await callRoute(getConnectionRoute, { token: operator.token, params: { id: router.id } })).status,
    ).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses what a shell, a config or the pinning would misread, and changes nothing', async () => {
    const router = await newRouter();
    const bad: Record<string, unknown>[] = [
      {
        ...valid(),
        private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----',
      },
      { ...valid(), password: undefined },
      { ...valid(), host_key_sha256: 'SHA256:short' },
      { ...valid(), host_key_sha256: 'MD5:aa:bb' },
      { ...valid(), host: 'router.example.net; rm -rf /' },
      { ...valid(), host: '198.51.100.10\nProxyCommand x' },
      { ...valid(), port: 0 },
      { ...valid(), port: 70_000 },
      { ...valid(), username: 'root; reboot' },
      { ...valid(), transport: 'telnet' },
      { ...valid(), options: { ...valid().options, managed_path: '/etc/bird/peer flow.conf' } },
      { ...valid(), options: { ...valid().options, managed_path: '/etc/bird/$(reboot).conf' } },
      { ...valid(), options: { ...valid().options, managed_path: '/etc/bird/../shadow' } },
      { ...valid(), options: { ...valid().options, main_config_path: 'bird.conf' } },
      { ...valid(), options: { ...valid().options, extra: true } },
    ];
    const before = await tableSnapshot();
    for (const body of bad) {
      const res = await call('PUT', `/routers/${router.id}/connection`, { token: admin.token, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('answers 404 for a router that does not exist, and is gone after DELETE', async () => {
    const missing = crypto.randomUUID();
    const res = await callRoute(putConnectionRoute, {
      token: admin.token,
      params: { id: missing },
      body: valid(),
    });
    expect(res.status).toBe(404);
    expect(await connectionsRepository.get(missing)).toBeUndefined();

    const router = await newRouter();
    await callRoute(putConnectionRoute, { token: admin.token, params: { id: router.id }, body: valid() });
    const del = await callRoute(deleteConnectionRoute, { token: admin.token, params: { id: router.id } });
    expect(del.status).toBe(204);
    expect(
      (await callRoute(getConnectionRoute, { token: admin.token, params: { id: router.id } })).status,
    ).toBe(404);
    expect(
      (await callRoute(deleteConnectionRoute, { token: admin.token, params: { id: router.id } })).status,
    ).toBe(404);
  });

  it('goes with its router: a deleted router leaves no connection or secret behind', async () => {
    const router = await newRouter();
    await callRoute(putConnectionRoute, { token: admin.token, params: { id: router.id }, body: valid() });
    const del = await callRoute(deleteRouterRoute, { token: admin.token, params: { id: router.id } });
    expect(del.status).toBe(204);
    expect(await connectionsRepository.get(router.id)).toBeUndefined();
  });

  it('is needed before a deployment: without one, 409 and no deployment', async () => {
    const router = await newRouter();
    const before = await tableSnapshot();
    const res = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: router.id },
      body: {},
    });
    expect(res.status).toBe(409);
    expect(res.error?.message).toMatch(/no management connection/);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses timers that would undo a good change before it is verified', async () => {
    const router = await newRouter();
    const res = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: router.id },
      body: { confirm_seconds: 60, verify_seconds: 60 },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toMatch(/confirm_seconds must exceed verify_seconds/);
  });
});
