import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute, getSessionRoute } from '../../shared/sessions/routes';
import {
  getDeploymentRoute,
  putConnectionRoute,
  startDeploymentRoute,
} from '../../shared/deployments/routes';
import {
  importNeighborsRoute,
  listUnmanagedRoute,
  pollRouterRoute,
  sessionHistoryRoute,
} from '../../shared/polling/routes';
import { deploymentsSettled } from '../../shared/app/delivery';
import { type PeerflowEvent, provideEventPublisher } from '../../shared/events';
import { patchSettingsRoute } from '../../shared/settings/routes';
import { callRoute, userWithRole } from '../support/api';
import { syncLabExchange } from '../support/lab-exchange';
import { createLab, type Lab, labAvailable } from '../support/lab';

/**
 * Polling a real BIRD router in the namespace lab, through the API: the states and prefix counts
 * peerflow records are checked against what the peer announces and what the router's own CLI says.
 */
describe.skipIf(!labAvailable(['bird2']))('polling a bird2 router', () => {
  let lab: Lab;
  let admin: { token: string };
  let operator: { token: string };
  let routerId: string;
  let twinId: string;
  const ids = { ipv4: '', ipv6: '', twin: '' };
  const events: PeerflowEvent[] = [];
  const HANDMADE = '192.0.2.50';

  const connection = (host = lab.router.ssh!.host) => ({
    transport: 'ssh' as const,
    host,
    port: lab.router.ssh!.port,
    username: lab.router.ssh!.username,
    private_key: lab.router.ssh!.privateKey,
    host_key_sha256: lab.router.ssh!.hostKeySha256,
    options: {
      managed_path: lab.router.daemon.deviceOptions.managedPath,
      main_config_path: lab.router.daemon.deviceOptions.mainConfigPath,
      base_path: null,
      control_socket: lab.router.daemon.deviceOptions.controlSocket,
      sudo: false,
    },
  });
  const connect = async (id: string, host?: string) => {
    const res = await callRoute(putConnectionRoute, {
      token: admin.token,
      params: { id },
      body: connection(host) as never,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  };
  const poll = async (id = routerId) => {
    const res = await callRoute(pollRouterRoute, { token: operator.token, params: { id } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json;
  };
  const session = async (id: string) =>
    (await callRoute(getSessionRoute, { token: operator.token, params: { id } })).json;
  /** Polls until the session shows `pass`, as an operator would poll again; the schedule does the same. */
  const pollUntil = async (id: string, pass: (s: Record<string, unknown>) => boolean, seconds: number) => {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      await poll();
      const s = await session(id);
      if (pass(s) || Date.now() > until) return s;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  beforeAll(async () => {
    provideEventPublisher(async (batch) => {
      events.push(...batch);
    });
    lab = await createLab({ router: 'bird2' });
    await syncLabExchange(
      lab,
      { ix: 95, net: 510, port: 910, name: 'Poll Lab Exchange' },
      {
        net: [{ id: 512, asn: 64550, name: 'Hand Made' }],
        netixlan: [{ id: 912, net_id: 512, asn: 64550, ipaddr4: HANDMADE, ipaddr6: null }],
      },
    );
    [admin, operator] = await Promise.all([userWithRole('admin'), userWithRole('operator')]);
    const ours = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { source_asn: lab.router.asn, source_participant_id: 510 },
    });
    expect(ours.status).toBe(200);
    for (const [key, hostname] of [
      ['main', lab.router.hostname],
      ['twin', `twin-${lab.router.hostname}`],
    ] as const) {
      const router = await callRoute(createRouterRoute, {
        token: admin.token,
        body: { hostname, platform: 'bird2', asn: lab.router.asn, router_id: lab.router.routerId },
      });
      expect(router.status).toBe(201);
      if (key === 'main') routerId = router.json.id;
      else twinId = router.json.id;
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      const added = await callRoute(addSessionRoute, {
        token: operator.token,
        body: {
          resource_id: routerId,
          peer_ipaddr: lab.peer.lan[family],
          source_ipaddr: lab.router.lan[family],
          password: lab.peer.password,
        },
      });
      expect(added.status, JSON.stringify(added.json)).toBe(201);
      ids[family] = added.json.id;
    }
    // The same peer IP on another router: a session of its own.
    const twin = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: twinId, peer_ipaddr: lab.peer.lan.ipv4, source_ipaddr: lab.router.lan.ipv4 },
    });
    expect(twin.status, JSON.stringify(twin.json)).toBe(201);
    ids.twin = twin.json.id;
    await connect(routerId);
    const started = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: routerId },
      body: { verify_seconds: 45, confirm_seconds: 90 },
    });
    expect(started.status).toBe(202);
    for (;;) {
      const d = await callRoute(getDeploymentRoute, {
        token: operator.token,
        params: { id: started.json.id },
      });
      if (['succeeded', 'rolled_back', 'failed'].includes(d.json.status)) {
        expect(d.json.status, d.json.reason ?? '').toBe('succeeded');
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await deploymentsSettled();
    await lab.waitForPeerRoutes(60_000);
  }, 180_000);

  afterAll(async () => {
    provideEventPublisher(undefined);
    await deploymentsSettled();
    await lab?.destroy();
  }, 60_000);

  it('shows a deployed session established with the prefix counts the peer announces', async () => {
    const result = await poll();
    expect(result).toMatchObject({ outcome: 'ok', sessions: 2, established: 2, unmanaged: 0 });
    const v4 = await session(ids.ipv4);
    const v6 = await session(ids.ipv6);
    expect(v4).toMatchObject({ bgp_state: 'established', state: 'established' });
    expect(v4.prfx_received).toBe(lab.peer.prefixes.ipv4.length);
    expect(v4.prfx_accepted).toBe(lab.peer.prefixes.ipv4.length);
    expect(v6.prfx_received).toBe(lab.peer.prefixes.ipv6.length);
    // The router's own CLI agrees.
    expect((await lab.router.daemon.session(lab.peer.lan.ipv4))?.received).toBe(
      lab.peer.prefixes.ipv4.length,
    );
  }, 60_000);

  it('shows a session the peer brings down at the next poll, with its history and an event', async () => {
    // The peer (GoBGP, the lab's peer of a BIRD router) shuts its side of the IPv4 session.
    const peerSide = (verb: 'disable' | 'enable') =>
      lab.peer.daemon.platform === 'gobgp'
        ? lab.peer.daemon.cli(['neighbor', lab.router.lan.ipv4, verb])
        : lab.peer.daemon.cli([verb, '"*"']);
    const disabled = await peerSide('disable');
    expect(disabled.exitCode, disabled.stdout + disabled.stderr).toBe(0);
    try {
      const down = await pollUntil(ids.ipv4, (s) => s.bgp_state !== 'established', 60);
      expect(['active', 'idle', 'connect']).toContain(down.bgp_state);
      expect(down).toMatchObject({ state: 'configured', flaps_24h: 1 });
      const history = await callRoute(sessionHistoryRoute, {
        token: operator.token,
        params: { id: ids.ipv4 },
        query: {},
      });
      expect(history.json.data[0]).toMatchObject({ from: 'established', to: down.bgp_state });
      const changed = events.filter(
        (e) => e.type === 'session.state_changed' && e.detail.session === ids.ipv4,
      );
      expect(changed.at(-1)!.detail).toMatchObject({ from: 'established', to: down.bgp_state });
    } finally {
      await peerSide('enable');
    }
    const back = await pollUntil(ids.ipv4, (s) => s.bgp_state === 'established' && s.prfx_received === 3, 90);
    expect(back).toMatchObject({ bgp_state: 'established', state: 'established' });
  }, 180_000);

  it('keeps the same peer IP on two routers as two sessions', async () => {
    await connect(twinId, lab.router.mgmt.unused);
    const failed = await poll(twinId);
    expect(failed.outcome).toBe('failed');
    expect((await session(ids.twin)).bgp_state).toBe('unknown');
    expect((await session(ids.ipv4)).bgp_state).toBe('established');
  }, 60_000);

  it('gives unknown, not stale data, and a poll_failed event when the router cannot be reached', async () => {
    await connect(routerId, lab.router.mgmt.unused);
    try {
      const failed = await poll();
      expect(failed).toMatchObject({ outcome: 'failed', error_count: 1, established: 0 });
      const v4 = await session(ids.ipv4);
      expect(v4).toMatchObject({ bgp_state: 'unknown', state: 'configured', prfx_received: null });
      expect(v4.poll_reason).toBeTruthy();
      const event = events
        .filter((e) => e.type === 'router.poll_failed' && e.detail.router === routerId)
        .at(-1);
      expect(event?.detail).toMatchObject({ error_count: 1 });
    } finally {
      await connect(routerId);
    }
    expect(await poll()).toMatchObject({ outcome: 'ok', error_count: 0, established: 2 });
  }, 90_000);

  it('lists a neighbor configured by hand on the router and imports it', async () => {
    const main = lab.router.daemon.mainConfigPath;
    const original = readFileSync(main, 'utf8');
    appendFileSync(
      main,
      `\nprotocol bgp handmade {\n  local as ${lab.router.asn};\n  neighbor ${HANDMADE} as 64550;\n  ipv4 { import all; export none; };\n}\n`,
    );
    try {
      const reload = await lab.router.daemon.reload();
      expect(reload.exitCode, reload.stdout + reload.stderr).toBe(0);
      expect((await poll()).unmanaged).toBe(1);
      const listed = await callRoute(listUnmanagedRoute, { token: operator.token, params: { id: routerId } });
      expect(listed.json.data).toMatchObject([{ peer_ipaddr: HANDMADE, peer_asn: 64550 }]);
      expect(['idle', 'connect', 'active']).toContain(listed.json.data[0]!.bgp_state);
      const imported = await callRoute(importNeighborsRoute, {
        token: operator.token,
        params: { id: routerId },
        body: { peer_ips: [HANDMADE] },
      });
      expect(imported.status, JSON.stringify(imported.json)).toBe(200);
      expect(imported.json.data[0]!.session).toMatchObject({
        peer_name: 'Hand Made',
        peer_asn: 64550,
        resource_id: routerId,
        state: 'configured',
      });
      expect(await poll()).toMatchObject({ unmanaged: 0, sessions: 3 });
    } finally {
      writeFileSync(main, original);
      await lab.router.daemon.reload();
    }
  }, 90_000);
});
