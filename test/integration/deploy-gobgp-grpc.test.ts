import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute, getSessionRoute, updateSessionRoute } from '../../shared/sessions/routes';
import {
  configureSessionRoute,
  getConnectionRoute,
  getDeploymentRoute,
  putConnectionRoute,
  startDeploymentRoute,
} from '../../shared/deployments/routes';
import { patchSettingsRoute } from '../../shared/settings/routes';
import { deploymentsSettled } from '../../shared/app/delivery';
import { callRoute, userWithRole } from '../support/api';
import { syncLabExchange } from '../support/lab-exchange';
import { createLab, type Lab, labAvailable } from '../support/lab';

/**
 * Deployments to a GoBGP router through its gRPC API (TLS, the certificate pinned), in the
 * namespace lab: the router's gobgpd serves its API on the management address, the peer (BIRD)
 * peers back with a TCP-MD5 password. Every claim is checked on the router's own state (its CLI).
 */
describe.skipIf(!labAvailable(['gobgp']))('deployments to a gobgp router over gRPC', () => {
  let lab: Lab;
  let admin: { token: string; email: string };
  let operator: { token: string; email: string };
  let routerId: string;
  let birdRouterId: string;
  const sessions = { ipv4: '', ipv6: '' };
  /** A neighbor the operator added by hand: peerflow must leave it alone. */
  const OPERATOR_NEIGHBOR = '192.0.2.50';

  const connection = (over: Record<string, unknown> = {}) => {
    const api = lab.router.daemon.grpcApi!;
    return {
      transport: 'grpc',
      host: api.host,
      port: api.port,
      host_key_sha256: api.certificateSha256,
      client_certificate: api.clientCertificate,
      client_key: api.clientKey,
      options: { api_version: 'v3' },
      ...over,
    };
  };
  const putConnection = (id: string, body: Record<string, unknown>) =>
    callRoute(putConnectionRoute, { token: admin.token, params: { id }, body: body as never });
  const setConnection = async (over: Record<string, unknown> = {}) => {
    const res = await putConnection(routerId, connection(over));
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  };
  const deploy = async (body: Record<string, unknown> = {}) => {
    const res = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: routerId },
      body,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(202);
    return finished(res.json.id);
  };
  const finished = async (id: string) => {
    for (;;) {
      const res = await callRoute(getDeploymentRoute, { token: operator.token, params: { id } });
      expect(res.status).toBe(200);
      if (['succeeded', 'rolled_back', 'failed'].includes(res.json.status)) return res.json;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  const stepNames = (d: { steps: { name: string }[] }) => d.steps.map((s) => s.name);
  const sessionState = async (id: string) =>
    (await callRoute(getSessionRoute, { token: operator.token, params: { id } })).json.state;
  /** The router's neighbors as its own CLI lists them: address -> description. */
  const routerNeighbors = async () => {
    const r = await lab.router.daemon.cli(['neighbor', '-j']);
    expect(r.exitCode, r.stderr).toBe(0);
    const peers = (JSON.parse(r.stdout) ?? []) as {
      conf?: { neighbor_address?: string; description?: string; auth_password?: string };
    }[];
    return new Map(peers.map((p) => [p.conf?.neighbor_address ?? '', p.conf ?? {}]));
  };

  beforeAll(async () => {
    // peerflow's own routing policies reach GoBGP over SSH only (see the README): over gRPC the
    // group keeps the operator's policies, which the lab defines.
    lab = await createLab({ router: 'gobgp', ssh: false, grpcApi: true, externalGroups: ['peers'] });
    await syncLabExchange(lab, { ix: 90, net: 500, port: 900, name: 'Lab Exchange' });
    [admin, operator] = await Promise.all([userWithRole('admin'), userWithRole('operator')]);
    const ours = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: {
        source_asn: lab.router.asn,
        source_participant_id: 500,
        routing_policy: { own_prefixes: [], groups: { peers: { policy: 'external' } } },
      },
    });
    expect(ours.status, JSON.stringify(ours.json)).toBe(200);
    const router = await callRoute(createRouterRoute, {
      token: admin.token,
      body: {
        hostname: lab.router.hostname,
        platform: 'gobgp',
        asn: lab.router.asn,
        router_id: lab.router.routerId,
      },
    });
    expect(router.status).toBe(201);
    routerId = router.json.id;
    const bird = await callRoute(createRouterRoute, {
      token: admin.token,
      body: {
        hostname: `${lab.router.hostname}-bird`,
        platform: 'bird2',
        asn: lab.router.asn,
        router_id: '192.0.2.9',
      },
    });
    expect(bird.status).toBe(201);
    birdRouterId = bird.json.id;
    for (const family of ['ipv4', 'ipv6'] as const) {
      const added = await callRoute(addSessionRoute, {
        token: operator.token,
        body: {
          resource_id: routerId,
          peer_ipaddr: lab.peer.lan[family],
          peer_asn: lab.peer.asn,
          source_ipaddr: lab.router.lan[family],
          password: lab.peer.password,
        },
      });
      expect(added.status, JSON.stringify(added.json)).toBe(201);
      sessions[family] = added.json.id;
    }
    const own = await lab.router.daemon.cli(['neighbor', 'add', OPERATOR_NEIGHBOR, 'as', '64999']);
    expect(own.exitCode, own.stderr).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await deploymentsSettled();
    await lab?.destroy();
  }, 60_000);

  it('refuses grpc for a router that is not gobgp, and a gRPC API without TLS, changing nothing', async () => {
    const bird = await putConnection(birdRouterId, connection());
    expect(bird.status).toBe(422);
    expect(JSON.stringify(bird.json)).toMatch(/gobgp/);
    expect(
      (await callRoute(getConnectionRoute, { token: admin.token, params: { id: birdRouterId } })).status,
    ).toBe(404);
    const { host_key_sha256: _pin, ...plaintext } = connection();
    const open = await putConnection(routerId, plaintext);
    expect(open.status).toBe(422);
    expect(JSON.stringify(open.json)).toMatch(/TLS/);
    expect(
      (await callRoute(getConnectionRoute, { token: admin.token, params: { id: routerId } })).status,
    ).toBe(404);
  });

  it('stores the connection with its client key encrypted and never shown', async () => {
    await setConnection();
    const res = await callRoute(getConnectionRoute, { token: admin.token, params: { id: routerId } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      transport: 'grpc',
      secret_kind: 'client_key',
      options: { api_version: 'v3' },
    });
    expect(JSON.stringify(res.json)).not.toContain('PRIVATE KEY');
  });

  it('puts the sessions on the router over gRPC, sees them established there, and leaves the operator neighbor', async () => {
    const d = await deploy({ verify_seconds: 45, confirm_seconds: 90 });
    expect(d.status, d.reason ?? '').toBe('succeeded');
    expect(d.identity).toMatchObject({ router_id: lab.router.routerId, asn: lab.router.asn });
    const outcomes = Object.fromEntries(
      d.sessions.map((s: { peer_ipaddr: string; outcome: string | null }) => [s.peer_ipaddr, s.outcome]),
    );
    expect(outcomes).toEqual({ [lab.peer.lan.ipv4]: 'established', [lab.peer.lan.ipv6]: 'established' });
    const routes = await lab.waitForPeerRoutes(30_000);
    expect(routes.ipv4.established && routes.ipv6.established).toBe(true);
    expect(await sessionState(sessions.ipv4)).toBe('established');
    const neighbors = await routerNeighbors();
    expect(neighbors.get(lab.peer.lan.ipv4)?.description).toMatch(/^peerflow\/peers_v4: AS/);
    expect(neighbors.get(lab.peer.lan.ipv4)?.auth_password).toBe(lab.peer.password);
    expect(neighbors.has(OPERATOR_NEIGHBOR)).toBe(true);
    expect(JSON.stringify(d)).not.toContain(lab.peer.password);
    // Nothing left to restore once confirmed.
    const saved = await lab.router.daemon.cli(['policy', 'as-path']);
    expect(saved.stdout).not.toContain('peerflow-rollback');
    // A second deployment finds the router as peerflow left it: no change to make.
    const again = await deploy({ verify_seconds: 10 });
    expect(again.status, again.reason ?? '').toBe('succeeded');
    expect(again.diff).not.toMatch(/^[-+] {4}neighbor-address/m);
  }, 150_000);

  it('leaves the neighbors as they were when the change is refused', async () => {
    const before = await routerNeighbors();
    const res = await callRoute(configureSessionRoute, {
      token: operator.token,
      params: { id: sessions.ipv4 },
      body: { config: 'this is not a configuration {' },
    });
    expect(res.status).toBe(200);
    expect(res.json.delivered).toBe(false);
    const d = await finished(res.json.deployment!.id);
    expect(d.status).toBe('failed');
    expect(d.reason).toMatch(/refused/);
    expect(stepNames(d)).not.toContain('apply');
    expect(await routerNeighbors()).toEqual(before);
    expect((await lab.router.daemon.session(lab.peer.lan.ipv4))?.established).toBe(true);
  }, 60_000);

  it('rolls back by itself a change that breaks an established session, and the session comes back', async () => {
    const wrong = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: sessions.ipv4 },
      body: { password: 'not-the-peers-password' },
    });
    expect(wrong.status).toBe(200);
    try {
      const d = await deploy({ verify_seconds: 15, confirm_seconds: 60 });
      expect(d.status).toBe('rolled_back');
      expect(d.reason).toContain(lab.peer.lan.ipv4);
      expect(stepNames(d)).toContain('rollback');
      expect((await routerNeighbors()).get(lab.peer.lan.ipv4)?.auth_password).toBe(lab.peer.password);
      const routes = await lab.waitForPeerRoutes(60_000);
      expect(routes.ipv4.established).toBe(true);
      expect(await sessionState(sessions.ipv4)).toBe('established');
      expect((await lab.router.daemon.cli(['policy', 'as-path'])).stdout).not.toContain('peerflow-rollback');
    } finally {
      await callRoute(updateSessionRoute, {
        token: operator.token,
        params: { id: sessions.ipv4 },
        body: { password: lab.peer.password },
      });
    }
  }, 150_000);

  it('refuses a server whose certificate is not the pinned one before any call', async () => {
    const before = await routerNeighbors();
    await setConnection({ host_key_sha256: Buffer.alloc(32, 7).toString('hex') });
    try {
      const d = await deploy();
      expect(d.status).toBe('failed');
      expect(d.reason).toMatch(/TLS certificate .* not the pinned/);
      expect(stepNames(d)).toEqual(['connect']);
      expect(await routerNeighbors()).toEqual(before);
    } finally {
      await setConnection();
    }
  }, 60_000);

  it('refuses a daemon that does not serve the pinned API version, before writing anything', async () => {
    const before = await routerNeighbors();
    await setConnection({ options: { api_version: 'v4' } });
    try {
      const d = await deploy();
      expect(d.status).toBe('failed');
      expect(d.reason).toMatch(/serves GoBGP's v3 API .* not the v4 API/);
      expect(stepNames(d)).not.toContain('validate');
      expect(await routerNeighbors()).toEqual(before);
    } finally {
      await setConnection();
    }
  }, 60_000);
});
