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
import { callRoute, userWithRole } from './api';
import { labConnection, syncLabExchange } from './lab-exchange';
import { type CommandResult, createLab, type Lab, labAvailable, type LabDaemonName } from './lab';

/** A neighbor an operator configures on the router by hand, outside peerflow's managed part. */
const HANDMADE = { ip: '192.0.2.50', asn: 64550 };

/**
 * Writes the hand-made neighbor into the router's own config, in its daemon's syntax, and loads it;
 * answers what undoes it. The managed file is never touched: it is peerflow's.
 */
const HANDMADE_NEIGHBOR: Record<LabDaemonName, (lab: Lab) => Promise<() => Promise<unknown>>> = {
  // BIRD: a protocol block in the main config (it includes the managed file), then `configure`.
  bird2: (lab) =>
    appendAndReload(
      lab,
      lab.router.daemon.mainConfigPath,
      `\nprotocol bgp handmade {\n  local as ${lab.router.asn};\n  neighbor ${HANDMADE.ip} as ${HANDMADE.asn};\n  ipv4 { import all; export none; };\n}\n`,
    ),
  // OpenBGPD: a neighbor block after the include (bgpd takes neighbors after filter rules), then
  // `bgpctl reload`, which exits 0 even when it refuses the file: its answer says.
  openbgpd: (lab) =>
    appendAndReload(
      lab,
      lab.router.daemon.mainConfigPath,
      `\nneighbor ${HANDMADE.ip} {\n  remote-as ${HANDMADE.asn}\n  descr "hand made"\n}\n`,
      (r) => expect(r.stdout + r.stderr).toMatch(/request processed/),
    ),
  // GoBGP: a `[[neighbors]]` entry in the operator's part (base.toml; gobgpd.toml is rebuilt from
  // it and the managed part at each reload), then SIGHUP.
  gobgp: (lab) =>
    appendAndReload(
      lab,
      lab.router.daemon.basePath!,
      `\n[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "${HANDMADE.ip}"\n    peer-as = ${HANDMADE.asn}\n`,
    ),
  // FRR: typed in vtysh, as an engineer does on the router. Its `router bgp` block is in the
  // managed part (peerflow's), and frr.conf is rebuilt from base.conf and that part at each reload.
  frr: async (lab) => {
    const bgp = ['-c', 'configure terminal', '-c', `router bgp ${lab.router.asn}`];
    const added = await lab.router.daemon.cli([
      ...bgp,
      '-c',
      `neighbor ${HANDMADE.ip} remote-as ${HANDMADE.asn}`,
    ]);
    expect(added.exitCode, added.stdout + added.stderr).toBe(0);
    return () => lab.router.daemon.cli([...bgp, '-c', `no neighbor ${HANDMADE.ip}`]);
  },
};

async function appendAndReload(
  lab: Lab,
  file: string,
  text: string,
  check: (r: CommandResult) => void = (r) => expect(r.exitCode, r.stdout + r.stderr).toBe(0),
): Promise<() => Promise<unknown>> {
  const original = readFileSync(file, 'utf8');
  appendFileSync(file, text);
  const reload = await lab.router.daemon.reload();
  check(reload);
  return async () => {
    writeFileSync(file, original);
    await lab.router.daemon.reload();
  };
}

/**
 * The prefixes the router's CLI says it accepted from `ip`, read with the daemon's own command;
 * null for OpenBGPD, which counts what it received and has no accepted count.
 */
async function acceptedByCli(lab: Lab, ip: string): Promise<number | null> {
  const { daemon } = lab.router;
  switch (daemon.platform) {
    case 'bird2':
      // `Routes: N imported`: what passed the import filter.
      return (await daemon.session(ip))?.received ?? null;
    case 'frr': {
      const r = await daemon.cli(['-c', `show bgp neighbors ${ip} json`]);
      const families = (
        JSON.parse(r.stdout) as Record<
          string,
          { addressFamilyInfo?: Record<string, { acceptedPrefixCounter?: number }> }
        >
      )[ip]?.addressFamilyInfo;
      return Object.values(families ?? {}).reduce((n, f) => n + (f.acceptedPrefixCounter ?? 0), 0);
    }
    case 'gobgp': {
      const r = await daemon.cli(['neighbor', ip, '-j']);
      const peer = JSON.parse(r.stdout) as { afi_safis?: { state?: { accepted?: number } }[] };
      return (peer.afi_safis ?? []).reduce((n, f) => n + (f.state?.accepted ?? 0), 0);
    }
    case 'openbgpd':
      return null;
  }
}

/**
 * Polling a real router in the namespace lab, through the API: the states and prefix counts
 * peerflow records are checked against what the peer announces and what the router's own CLI says.
 */
export function pollLabSuite(daemon: LabDaemonName) {
  describe.skipIf(!labAvailable([daemon]))(`polling a ${daemon} router`, () => {
    let lab: Lab;
    let admin: { token: string };
    let operator: { token: string };
    let routerId: string;
    let twinId: string;
    const ids = { ipv4: '', ipv6: '', twin: '' };
    const events: PeerflowEvent[] = [];

    const connection = (host?: string) => labConnection(lab, host !== undefined ? { host } : {});
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
    /** Polls until `pass`, as an operator would poll again; the schedule does the same. */
    const pollUntil = async <T>(read: () => Promise<T>, pass: (v: T) => boolean, seconds: number) => {
      const until = Date.now() + seconds * 1000;
      for (;;) {
        const seen = await read();
        if (pass(seen) || Date.now() > until) return seen;
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const pollSessionUntil = (id: string, pass: (s: Record<string, unknown>) => boolean, seconds: number) =>
      pollUntil(
        async () => {
          await poll();
          return session(id);
        },
        pass,
        seconds,
      );
    /** Both sessions with the peer up with every route, on the router's word (FRR started over if need be). */
    const peerRoutes = () => lab.waitForPeerRoutes(60_000);
    /** The peer's side of its IPv4 session with the router, shut or opened again. */
    const peerSide = (verb: 'disable' | 'enable') =>
      lab.peer.daemon.platform === 'gobgp'
        ? lab.peer.daemon.cli(['neighbor', lab.router.lan.ipv4, verb])
        : // The BIRD peer's protocol of its IPv4 session (see the lab's BIRD peer).
          lab.peer.daemon.cli([verb, 'router_ipv4']);

    beforeAll(async () => {
      provideEventPublisher(async (batch) => {
        events.push(...batch);
      });
      lab = await createLab({ router: daemon });
      await syncLabExchange(
        lab,
        { ix: 95, net: 510, port: 910, name: 'Poll Lab Exchange' },
        {
          net: [{ id: 512, asn: HANDMADE.asn, name: 'Hand Made' }],
          netixlan: [{ id: 912, net_id: 512, asn: HANDMADE.asn, ipaddr4: HANDMADE.ip, ipaddr6: null }],
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
          body: { hostname, platform: daemon, asn: lab.router.asn, router_id: lab.router.routerId },
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
      await peerRoutes();
    }, 300_000);

    afterAll(async () => {
      provideEventPublisher(undefined);
      await deploymentsSettled();
      await lab?.destroy();
    }, 60_000);

    it('shows a deployed session established with the prefix counts the peer announces', async () => {
      const result = await poll();
      expect(result).toMatchObject({ outcome: 'ok', sessions: 2, established: 2, unmanaged: 0 });
      for (const family of ['ipv4', 'ipv6'] as const) {
        const ip = lab.peer.lan[family];
        const polled = await session(ids[family]);
        expect(polled, family).toMatchObject({ bgp_state: 'established', state: 'established' });
        expect(polled.prfx_received, family).toBe(lab.peer.prefixes[family].length);
        // The router's own CLI agrees: what it received, and what it accepted (where it counts it).
        expect(polled.prfx_received, family).toBe((await lab.router.daemon.session(ip))?.received);
        const accepted = await acceptedByCli(lab, ip);
        expect(polled.prfx_accepted, family).toBe(accepted);
        if (daemon !== 'openbgpd') expect(accepted, family).toBe(lab.peer.prefixes[family].length);
      }
    }, 60_000);

    it('shows a session the peer brings down at the next poll, with its history and an event', async () => {
      const disabled = await peerSide('disable');
      expect(disabled.exitCode, disabled.stdout + disabled.stderr).toBe(0);
      try {
        const down = await pollSessionUntil(ids.ipv4, (s) => s.bgp_state !== 'established', 60);
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
        // The other family's session is untouched.
        expect((await session(ids.ipv6)).bgp_state).toBe('established');
      } finally {
        const enabled = await peerSide('enable');
        expect(enabled.exitCode, enabled.stdout + enabled.stderr).toBe(0);
      }
      const n = lab.peer.prefixes.ipv4.length;
      // OpenBGPD takes the peer back only after its idle hold time, about 30 s after the Cease.
      const back = await pollSessionUntil(
        ids.ipv4,
        (s) => s.bgp_state === 'established' && s.prfx_received === n,
        90,
      );
      expect(back).toMatchObject({ bgp_state: 'established', state: 'established', prfx_received: n });
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
      const undo = await HANDMADE_NEIGHBOR[daemon](lab);
      try {
        // Some daemons take their new config after the reload command returns: poll again until then.
        const seen = await pollUntil(poll, (r) => r.unmanaged === 1, 30);
        expect(seen).toMatchObject({ outcome: 'ok', unmanaged: 1 });
        const listed = await callRoute(listUnmanagedRoute, {
          token: operator.token,
          params: { id: routerId },
        });
        expect(listed.json.data).toMatchObject([{ peer_ipaddr: HANDMADE.ip, peer_asn: HANDMADE.asn }]);
        expect(['idle', 'connect', 'active']).toContain(listed.json.data[0]!.bgp_state);
        const imported = await callRoute(importNeighborsRoute, {
          token: operator.token,
          params: { id: routerId },
          body: { peer_ips: [HANDMADE.ip] },
        });
        expect(imported.status, JSON.stringify(imported.json)).toBe(200);
        expect(imported.json.data[0]!.session).toMatchObject({
          peer_name: 'Hand Made',
          peer_asn: HANDMADE.asn,
          resource_id: routerId,
          state: 'configured',
        });
        expect(await poll()).toMatchObject({ unmanaged: 0, sessions: 3 });
      } finally {
        await undo();
      }
    }, 90_000);
  });
}
