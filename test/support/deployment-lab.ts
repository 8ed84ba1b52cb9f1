import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouterRoute, updateRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute, getSessionRoute, updateSessionRoute } from '../../shared/sessions/routes';
import {
  configureSessionRoute,
  deleteSessionRoute,
  getDeploymentRoute,
  listDeploymentsRoute,
  putConnectionRoute,
  startDeploymentRoute,
} from '../../shared/deployments/routes';
import { deploymentsSettled } from '../../shared/app/delivery';
import { callRoute, userWithRole } from './api';
import { patchSettingsRoute } from '../../shared/settings/routes';
import { labConnection, syncLabExchange } from './lab-exchange';
import { createLab, type Lab, labAvailable, type LabDaemonName } from './lab';
import { createWebhookRoute } from '../../shared/webhooks/routes';
import { webhookDeliveriesSettled } from '../../shared/app/events-local';
import { type Receiver, startReceiver } from './webhook-receiver';

/**
 * The deployment workflow against a real daemon: a lab router reached over SSH, a peer that peers
 * back with a TCP-MD5 password. Every step goes through the API, and every claim is checked on the
 * router's own state (its CLI), not on peerflow's record of it.
 */
export function deploymentLabSuite(daemon: LabDaemonName, extra: { transportCases?: boolean } = {}) {
  describe.skipIf(!labAvailable([daemon]))(`deployments to a ${daemon} router`, () => {
    let lab: Lab;
    let admin: { token: string; email: string };
    let operator: { token: string; email: string };
    let routerId: string;
    let receiver: Receiver;
    const sessions: { ipv4: string; ipv6: string } = { ipv4: '', ipv6: '' };

    const deploy = async (body: Record<string, unknown> = {}) => {
      const res = await callRoute(startDeploymentRoute, {
        token: operator.token,
        params: { id: routerId },
        body,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(202);
      return res.json;
    };
    const finished = async (id: string) => {
      for (;;) {
        const res = await callRoute(getDeploymentRoute, { token: operator.token, params: { id } });
        expect(res.status).toBe(200);
        if (['succeeded', 'rolled_back', 'failed'].includes(res.json.status)) return res.json;
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    const managedFile = () => readFileSync(lab.router.daemon.managedPath, 'utf8');
    const connection = (over: Record<string, unknown> = {}) => labConnection(lab, over);
    const setConnection = async (over: Record<string, unknown> = {}) => {
      const res = await callRoute(putConnectionRoute, {
        token: admin.token,
        params: { id: routerId },
        body: connection(over) as never,
      });
      expect(res.status, JSON.stringify(res.json)).toBe(200);
    };
    const sessionState = async (id: string) =>
      (await callRoute(getSessionRoute, { token: operator.token, params: { id } })).json.state;

    beforeAll(async () => {
      lab = await createLab({ router: daemon });
      // The lab's exchange, as the test's own PeeringDB data: our router and the peer on its LAN.
      await syncLabExchange(lab, { ix: 90, net: 500, port: 900, name: 'Lab Exchange' });
      [admin, operator] = await Promise.all([userWithRole('admin'), userWithRole('operator')]);
      // A receiver of deployment.finished, as an operator's automation would register it.
      receiver = await startReceiver();
      const hook = await callRoute(createWebhookRoute, {
        token: admin.token,
        body: { url: receiver.url('/deployments'), events: ['deployment.finished'] },
      });
      expect(hook.status, JSON.stringify(hook.json)).toBe(201);
      // We are the lab's operator network: the router's LAN addresses are ours.
      const ours = await callRoute(patchSettingsRoute, {
        token: admin.token,
        body: { source_asn: lab.router.asn, source_participant_id: 500 },
      });
      expect(ours.status, JSON.stringify(ours.json)).toBe(200);
      const router = await callRoute(createRouterRoute, {
        token: admin.token,
        body: {
          hostname: lab.router.hostname,
          platform: daemon,
          asn: lab.router.asn,
          router_id: lab.router.routerId,
        },
      });
      expect(router.status).toBe(201);
      routerId = router.json.id;
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
    }, 120_000);

    afterAll(async () => {
      await deploymentsSettled();
      await webhookDeliveriesSettled();
      await receiver?.close();
      await lab?.destroy();
    }, 60_000);

    it('answers "not delivered" without a connection, and marks nothing configured', async () => {
      const res = await callRoute(configureSessionRoute, {
        token: operator.token,
        params: { id: sessions.ipv4 },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ delivery: 'not delivered', delivered: false, deployment: null });
      expect(await sessionState(sessions.ipv4)).toBe('not configured');
      expect(await lab.router.daemon.session(lab.peer.lan.ipv4)).toBeNull();
    });

    it('shows the diff of a dry run and writes nothing', async () => {
      await setConnection();
      const before = managedFile();
      const d = await finished((await deploy({ dry_run: true })).id);
      expect(d.status).toBe('succeeded');
      expect(d.dry_run).toBe(true);
      expect(d.diff).toContain(lab.peer.lan.ipv4);
      expect(d.diff).not.toContain(lab.peer.password);
      expect(d.steps.map((s: { name: string }) => s.name)).not.toContain('apply');
      expect(managedFile()).toBe(before);
      // Its end was an event, delivered to the webhook (raised once the final status is written:
      // the run is awaited, then its deliveries).
      await deploymentsSettled();
      await webhookDeliveriesSettled();
      const ends = receiver.at('/deployments').map((r) => JSON.parse(r.body));
      expect(ends.find((e) => e.detail.deployment_id === d.id)).toMatchObject({
        type: 'deployment.finished',
        detail: { status: 'succeeded', dry_run: true, router_uuid: routerId },
      });
    }, 60_000);

    it('puts the sessions on the router, sees them established there, and says so', async () => {
      const d = await finished((await deploy({ verify_seconds: 45, confirm_seconds: 90 })).id);
      expect(d.status, d.reason ?? '').toBe('succeeded');
      expect(d.identity).toMatchObject({ router_id: lab.router.routerId });
      const outcomes = Object.fromEntries(d.sessions.map((s) => [s.peer_ipaddr, s.outcome]));
      expect(outcomes).toEqual({ [lab.peer.lan.ipv4]: 'established', [lab.peer.lan.ipv6]: 'established' });
      // The router's own word: both sessions up, every announced prefix received.
      const routes = await lab.waitForPeerRoutes(30_000);
      expect(routes.ipv4.established && routes.ipv6.established).toBe(true);
      expect(await sessionState(sessions.ipv4)).toBe('established');
      expect(await sessionState(sessions.ipv6)).toBe('established');
      // The password reached the device and nowhere else.
      expect(managedFile()).toContain(lab.peer.password);
      expect(JSON.stringify(d)).not.toContain(lab.peer.password);
    }, 120_000);

    it('leaves the running config as it was when the device refuses a change', async () => {
      const before = managedFile();
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
      expect(d.steps.map((s: { name: string }) => s.name)).not.toContain('apply');
      expect(managedFile()).toBe(before);
      expect((await lab.router.daemon.session(lab.peer.lan.ipv4))?.established).toBe(true);
      expect(await sessionState(sessions.ipv4)).toBe('established');
    }, 60_000);

    it('rolls back by itself a change that breaks an established session, and the session comes back', async () => {
      const before = managedFile();
      const wrong = await callRoute(updateSessionRoute, {
        token: operator.token,
        params: { id: sessions.ipv4 },
        body: { password: 'not-the-peers-password' },
      });
      expect(wrong.status).toBe(200);
      const d = await finished((await deploy({ verify_seconds: 15, confirm_seconds: 60 })).id);
      expect(d.status).toBe('rolled_back');
      expect(d.reason).toContain(lab.peer.lan.ipv4);
      expect(d.steps.map((s: { name: string }) => s.name)).toContain('rollback');
      expect(managedFile()).toBe(before);
      const routes = await lab.waitForPeerRoutes(60_000);
      expect(routes.ipv4.established).toBe(true);
      // The session keeps its state: the router runs what it ran before.
      expect(await sessionState(sessions.ipv4)).toBe('established');
      const restored = await callRoute(updateSessionRoute, {
        token: operator.token,
        params: { id: sessions.ipv4 },
        body: { password: lab.peer.password },
      });
      expect(restored.status).toBe(200);
    }, 120_000);

    if (extra.transportCases) {
      it('refuses a device whose identity is not the router record, before writing anything', async () => {
        const before = managedFile();
        const moved = await callRoute(updateRouterRoute, {
          token: admin.token,
          params: { id: routerId },
          body: { router_id: '198.51.100.250' },
        });
        expect(moved.status).toBe(200);
        try {
          const d = await finished((await deploy()).id);
          expect(d.status).toBe('failed');
          expect(d.reason).toMatch(/is not .*router id/);
          expect(d.steps.map((s: { name: string }) => s.name)).not.toContain('validate');
          expect(managedFile()).toBe(before);
        } finally {
          await callRoute(updateRouterRoute, {
            token: admin.token,
            params: { id: routerId },
            body: { router_id: lab.router.routerId },
          });
        }
      }, 60_000);

      it('refuses a host whose key is not the pinned one', async () => {
        await setConnection({
          host_key_sha256: `SHA256:${Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '')}`,
        });
        const d = await finished((await deploy()).id);
        expect(d.status).toBe('failed');
        expect(d.reason).toMatch(/host key/i);
        expect(d.steps.map((s: { name: string }) => s.name)).toEqual(['connect']);
        await setConnection();
      }, 60_000);

      it('ends failed with the reason when the host cannot be reached, and marks nothing configured', async () => {
        const removed = await callRoute(addSessionRoute, {
          token: operator.token,
          body: {
            resource_id: routerId,
            peer_ipaddr: '192.0.2.77',
            peer_asn: 64_510,
            source_ipaddr: lab.router.lan.ipv4,
          },
        });
        expect(removed.status).toBe(201);
        await setConnection({ host: lab.router.mgmt.unused });
        const res = await callRoute(configureSessionRoute, {
          token: operator.token,
          params: { id: removed.json.id },
        });
        const d = await finished(res.json.deployment!.id);
        expect(d.status).toBe('failed');
        expect(d.reason).toMatch(/connect|reach|timed out/i);
        expect(await sessionState(removed.json.id)).toBe('not configured');
        await setConnection();
        const gone = await callRoute(deleteSessionRoute, {
          token: operator.token,
          params: { id: removed.json.id },
          query: {},
        });
        expect(gone.status).toBe(200);
      }, 60_000);

      it('never runs two deployments on one router at once', async () => {
        const [a, b] = await Promise.all([
          callRoute(startDeploymentRoute, {
            token: operator.token,
            params: { id: routerId },
            body: { dry_run: true },
          }),
          callRoute(startDeploymentRoute, {
            token: operator.token,
            params: { id: routerId },
            body: { dry_run: true },
          }),
        ]);
        expect([a.status, b.status].sort()).toEqual([202, 409]);
        const loser = a.status === 409 ? a : b;
        expect(loser.error?.message).toMatch(/is running/);
        await finished((a.status === 202 ? a : b).json.id);
        const listed = await callRoute(listDeploymentsRoute, {
          token: operator.token,
          params: { id: routerId },
          query: {},
        });
        expect(listed.json.data.length).toBeGreaterThan(0);
      }, 60_000);
    }

    it('takes a session off the router through a deployment, then deletes it', async () => {
      const res = await callRoute(deleteSessionRoute, {
        token: operator.token,
        params: { id: sessions.ipv6 },
        query: { deploy: 'true' },
      });
      expect(res.status).toBe(200);
      const d =
        res.json.deployment!.status === 'succeeded'
          ? res.json.deployment!
          : await finished(res.json.deployment!.id);
      expect(d.status, d.reason ?? '').toBe('succeeded');
      expect(
        d.sessions.find((s: { peer_ipaddr: string }) => s.peer_ipaddr === lab.peer.lan.ipv6)?.outcome,
      ).toBe('removed');
      expect(await lab.router.daemon.session(lab.peer.lan.ipv6)).toBeNull();
      expect((await lab.router.daemon.session(lab.peer.lan.ipv4))?.established).toBe(true);
      await deploymentsSettled();
      expect(
        (await callRoute(getSessionRoute, { token: operator.token, params: { id: sessions.ipv6 } })).status,
      ).toBe(404);
    }, 120_000);
  });
}
