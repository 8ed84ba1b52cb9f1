import { beforeAll, describe, expect, it } from 'vitest';
import { createRouterRoute } from '../../shared/routers/routes';
import { putConnectionRoute } from '../../shared/deployments/routes';
import { connectionsRepository } from '../../shared/deployments/connections';
import { callRoute, userWithRole } from '../support/api';

let admin: Awaited<ReturnType<typeof userWithRole>>;

beforeAll(async () => {
  admin = await userWithRole('admin');
});

const FINGERPRINT = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
const HEX = Buffer.from(FINGERPRINT.slice(7), 'base64').toString('hex');
const OPENSSL = HEX.toUpperCase().match(/../g)!.join(':');

async function newRouter(platform: 'junos' | 'cisco-iosxr' | 'arista-eos' | 'cisco-ios' | 'bird2') {
  const res = await callRoute(createRouterRoute, {
    token: admin.token,
    body: {
      hostname: `vendor-${crypto.randomUUID().slice(0, 8)}.example.net`,
      platform,
      asn: 64500,
      router_id: '192.0.2.1',
    },
  });
  expect(res.status).toBe(201);
  return res.json as { id: string };
}

const put = (id: string, body: Record<string, unknown>) =>
  callRoute(putConnectionRoute, { token: admin.token, params: { id }, body: body as never });

const base = {
  host: '198.51.100.10',
  username: 'peerflow',
  password: 'secret',
  host_key_sha256: FINGERPRINT,
};

describe('connections of the vendor platforms', () => {
  it('takes NETCONF for Junos and IOS XR with no daemon options, on port 830 by default', async () => {
    for (const platform of ['junos', 'cisco-iosxr'] as const) {
      const router = await newRouter(platform);
      const res = await put(router.id, { ...base, transport: 'netconf' });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ transport: 'netconf', port: 830, host_key_sha256: FINGERPRINT });
    }
  });

  it("takes eAPI for EOS on 443, with the certificate's fingerprint as openssl prints it", async () => {
    const router = await newRouter('arista-eos');
    const res = await put(router.id, { ...base, transport: 'eapi', host_key_sha256: OPENSSL });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ transport: 'eapi', port: 443, host_key_sha256: FINGERPRINT });
  });

  it('refuses eAPI with a private key: it logs in with a password', async () => {
    const router = await newRouter('arista-eos');
    const { password: _p, ...rest } = base;
    const res = await put(router.id, {
      ...rest,
      transport: 'eapi',
      private_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
    });
    expect(res.status).toBe(422);
  });

  it('takes SSH for IOS', async () => {
    const router = await newRouter('cisco-ios');
    const res = await put(router.id, { ...base, transport: 'ssh' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ transport: 'ssh', port: 22 });
  });

  it.each([
    ['junos', 'ssh'],
    ['cisco-iosxr', 'eapi'],
    ['arista-eos', 'netconf'],
    ['cisco-ios', 'netconf'],
    ['bird2', 'netconf'],
  ] as const)(
    'refuses a %s router over %s with 422 naming the transport it takes',
    async (platform, transport) => {
      const router = await newRouter(platform);
      const res = await put(router.id, {
        ...base,
        transport,
        options: { managed_path: '/etc/x.conf', main_config_path: '/etc/y.conf' },
      });
      expect(res.status).toBe(422);
      expect(JSON.stringify(res.json)).toContain('body.transport');
    },
  );

  it('refuses daemon options for a vendor router, and stores nothing', async () => {
    const router = await newRouter('cisco-ios');
    const res = await put(router.id, {
      ...base,
      transport: 'ssh',
      options: { managed_path: '/etc/bird/peerflow.conf', main_config_path: '/etc/bird/bird.conf' },
    });
    expect(res.status).toBe(422);
    expect(res.error?.details).toEqual([
      { path: 'body.options', message: 'not for cisco-ios: leave it out' },
    ]);
    expect(await connectionsRepository.get(router.id)).toBeUndefined();
  });

  it('still wants the options of a daemon host', async () => {
    const router = await newRouter('bird2');
    const res = await put(router.id, { ...base, transport: 'ssh' });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.json)).toContain('body.options');
  });
});
