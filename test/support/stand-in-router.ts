import { expect } from 'vitest';
import { putConnectionRoute } from '../../shared/deployments/routes';
import { createRouterRoute } from '../../shared/routers/routes';
import { callRoute } from './api';

/**
 * A BIRD router made through the API, with a management connection to the documentation address
 * the stand-in device (`./bird-stand-in`) answers for in place of a host.
 */
export async function connectedStandInBird(
  adminToken: string,
  { name, password }: { name: string; password: string },
): Promise<{ json: { id: string } }> {
  const router = await callRoute(createRouterRoute, {
    token: adminToken,
    body: {
      hostname: `${name}-${crypto.randomUUID().slice(0, 8)}.example.net`,
      platform: 'bird2',
      asn: 64500,
      router_id: '192.0.2.1',
    },
  });
  expect(router.status).toBe(201);
  const conn = await callRoute(putConnectionRoute, {
    token: adminToken,
    params: { id: router.json.id },
    body: {
      transport: 'ssh',
      host: '198.51.100.10',
      port: 22,
      username: 'peerflow',
      password,
      host_key_sha256: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
      options: { managed_path: '/etc/bird/peerflow.conf', main_config_path: '/etc/bird/bird.conf' },
    },
  });
  expect(conn.status, JSON.stringify(conn.json)).toBe(200);
  return router;
}
