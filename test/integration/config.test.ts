import { beforeAll, describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../shared/config-render/platforms';
import type { ConfigDelivery } from '../../shared/sessions/config-delivery';
import { configureSession, PASSWORD_PLACEHOLDER } from '../../shared/sessions/session-config';
import { routersRepository } from '../../shared/routers/routers-store';
import { listSessionStatesAtExchange } from '../../shared/sessions/sessions-store';
import { getPeerRoute } from '../../shared/peers/routes';
import { createRouterRoute, renderRouterConfigRoute, updateRouterRoute } from '../../shared/routers/routes';
import {
  addSessionRoute,
  listConfigRevisionsRoute,
  renderSessionConfigRoute,
  SessionSchema,
  updateSessionRoute,
} from '../../shared/sessions/routes';
import { configureSessionRoute } from '../../shared/deployments/routes';
import type * as z from '../../shared/platform/zod';
import {
  DAEMON_PLATFORMS,
  daemonsAvailable,
  declaredNeighbors,
  parseWithDaemon,
  referencedPolicies,
} from '../golden/daemon-check';
import { call, callRoute, type RouteBody, tableSnapshot, userWithRole } from '../support/api';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';

let operator: { token: string; email: string };
let viewer: { token: string };

beforeAll(async () => {
  await syncObjects({
    ...ASHBURN,
    net: [
      // A PeeringDB name full of syntax: it must reach every config as inert text.
      { id: 2, asn: 20940, name: 'Akamai "Tech" {x}; #1 \\ ok', info_prefixes4: 20, info_prefixes6: 5 },
      { id: 1418, asn: 16509, name: 'Amazon.com', info_prefixes4: 200 },
      // A real PeeringDB name that runs past OpenBGPD's 31 characters with its ASN in front.
      { id: 1161, asn: 3257, name: 'GTT Communications (AS3257)', info_prefixes4: 9000 },
      { id: 1162, asn: 64777, name: 'Example (Long Parenthesised Words)', info_prefixes4: 10 },
    ],
    netixlan: [
      ashburnPort(10, 2, 20940, '206.126.236.102', '2001:504:0:2::2:940:1'),
      ashburnPort(11, 1418, 16509, '206.126.236.68'),
      ashburnPort(12, 1161, 3257, '206.126.236.57'),
      ashburnPort(13, 1162, 64777, '206.126.236.77'),
    ],
  });
  [operator, viewer] = await Promise.all([userWithRole('operator'), userWithRole('viewer')]);
});

type Session = z.output<typeof SessionSchema>;

async function routerWithSessions(platform: RouteBody<typeof createRouterRoute>['platform']) {
  const router = await callRoute(createRouterRoute, {
    token: operator.token,
    body: {
      hostname: `${platform}-${crypto.randomUUID().slice(0, 6)}.example.net`,
      platform,
      asn: 64500,
      router_id: '192.0.2.1',
    },
  });
  expect(router.status).toBe(201);
  const sessions: Session[] = [];
  for (const body of [
    {
      peer_ipaddr: '206.126.236.102',
      password: 'ace12345',
      note: 'line one\nline two; }',
      peer_group: 'group b',
    },
    { peer_ipaddr: '206.126.236.68' },
    { peer_ipaddr: '2001:504:0:2::2:940:1', peer_group: 'v6 "peers"' },
  ]) {
    const res = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: router.json.id, ...body },
    });
    expect(res.status).toBe(201);
    sessions.push(res.json);
  }
  // Three bodies, three sessions, each answered 201.
  return { router: router.json, sessions: sessions as [Session, Session, Session] };
}

describe('GET /routers/{id}/config', () => {
  it.skipIf(!daemonsAvailable())(
    'renders every session of the router, and the daemons parse it',
    async () => {
      for (const platform of DAEMON_PLATFORMS) {
        const { router, sessions } = await routerWithSessions(platform);
        const res = await callRoute(renderRouterConfigRoute, {
          token: viewer.token,
          params: { id: router.id },
        });
        expect(res.status).toBe(200);
        expect(res.json.platform).toBe(platform);
        expect(res.json.session_ids.sort()).toEqual(sessions.map((s) => s.id).sort());
        // The config names its policies and defines them too: the daemon parses it with nothing added.
        expect(referencedPolicies(platform, res.json.config).length).toBeGreaterThan(0);
        const parsed = await parseWithDaemon(platform, res.json.config, []);
        expect(parsed.ok, `${platform}: ${parsed.output}\n${res.json.config}`).toBe(true);
        expect(declaredNeighbors(platform, res.json.config)).toEqual(
          sessions.map((s) => s.peer_ipaddr).sort(),
        );
        expect(res.json.config).toContain(PASSWORD_PLACEHOLDER);
        expect(res.json.config).not.toContain('ace12345');
      }
    },
  );

  it('renders the same sessions for another platform on request, and 404 for an unknown router', async () => {
    const { router } = await routerWithSessions('frr');
    const junos = await callRoute(renderRouterConfigRoute, {
      token: viewer.token,
      params: { id: router.id },
      query: { platform: 'junos' },
    });
    expect(junos.json.config).toMatch(/^ {8}group group_b_[0-9a-f]{6}_v4 \{$/m);
    expect(junos.json.config.match(/peer-as \d+;/g)).toHaveLength(3);
    expect(
      (await callRoute(renderRouterConfigRoute, { token: viewer.token, params: { id: crypto.randomUUID() } }))
        .status,
    ).toBe(404);
    // A platform the API does not know is outside the contract's types: sent raw.
    expect(
      (await call('GET', `/routers/${router.id}/config?platform=vyos`, { token: viewer.token })).status,
    ).toBe(422);
  });
});

describe('GET /sessions/{id}/config', () => {
  it('renders one session for each of the eight platforms (GoBGP: the router whole)', async () => {
    const { sessions } = await routerWithSessions('bird2');
    const id = sessions[0].id;
    for (const platform of PLATFORMS) {
      const res = await callRoute(renderSessionConfigRoute, {
        token: viewer.token,
        params: { id },
        query: { platform },
      });
      expect(res.status, platform).toBe(200);
      if (platform === 'gobgp') {
        // GoBGP's policy assignment is global: one session's config would drop every other peer's.
        expect(res.json.session_ids.sort()).toEqual(sessions.map((s) => s.id).sort());
        expect(res.json.config).toContain('206.126.236.68');
      } else {
        expect(res.json.session_ids).toEqual([id]);
        expect(res.json.config).not.toContain('206.126.236.68');
      }
      expect(res.json.config).toContain('206.126.236.102');
      expect(res.json.config).toContain('20940');
      expect(res.json.config).toContain('AS20940 Akamai Tech x 1 ok');
      expect(res.json.config).not.toMatch(/"Tech"|\{x\}|; #1|\\/);
    }
  });

  it('enforces max-prefix on Junos with teardown and cuts OpenBGPD descriptions between words', async () => {
    const router = await callRoute(createRouterRoute, {
      token: operator.token,
      body: { hostname: 'bgpd-gtt.example.net', platform: 'openbgpd', asn: 64500, router_id: '192.0.2.1' },
    });
    const ids: string[] = [];
    for (const peer_ipaddr of ['206.126.236.57', '206.126.236.77']) {
      const res = await callRoute(addSessionRoute, {
        token: operator.token,
        body: { resource_id: router.json.id, peer_ipaddr, prfx_max: 12000 },
      });
      expect(res.status).toBe(201);
      ids.push(res.json.id);
    }
    const [gtt, parenthesised] = ids as [string, string];
    const bgpd = await callRoute(renderSessionConfigRoute, { token: viewer.token, params: { id: gtt } });
    expect(bgpd.status).toBe(200);
    expect(bgpd.json.config).toContain('\t\tdescr "AS3257 GTT Communications"\n');
    const other = await callRoute(renderSessionConfigRoute, {
      token: viewer.token,
      params: { id: parenthesised },
    });
    // "AS64777 Example (Long Parenthesised Words)" cut at a word would leave "(Long": the group goes.
    expect(other.json.config).toContain('\t\tdescr "AS64777 Example"\n');
    const junos = await callRoute(renderSessionConfigRoute, {
      token: viewer.token,
      params: { id: gtt },
      query: { platform: 'junos' },
    });
    expect(junos.json.config).toMatch(/prefix-limit \{\n {28}maximum 12000;\n {28}teardown;\n {24}\}/);
  });

  it('refuses a password longer than the router platform takes, and keeps the session', async () => {
    const { sessions: onFrr } = await routerWithSessions('frr');
    const fine = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: onFrr[1].id },
      body: { password: 'a'.repeat(40) },
    });
    expect(fine.status).toBe(200);
    const { sessions: onIos } = await routerWithSessions('cisco-ios');
    const before = await tableSnapshot();
    const long = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: onIos[1].id },
      body: { password: 'a'.repeat(26) },
    });
    expect(long.status).toBe(422);
    expect(long.error?.message).toMatch(/at most 25 characters/);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('POST /sessions/{id}/configure', () => {
  it('without a router connection: stores a revision, logs it, returns the config, and leaves the session not configured', async () => {
    const { router, sessions } = await routerWithSessions('openbgpd');
    const id = sessions[0].id;
    const res = await callRoute(configureSessionRoute, { token: operator.token, params: { id } });
    expect(res.status).toBe(200);
    // Rendering alone puts nothing on a router: the session is not configured, and says why.
    expect(res.json.session).toMatchObject({ id, state: 'not configured', version: 1 });
    expect(res.json.delivery).toBe('not delivered');
    expect(res.json.delivered).toBe(false);
    expect(res.json.deployment).toBeNull();
    expect(res.json.revision).toMatchObject({
      session_id: id,
      router_id: router.id,
      platform: 'openbgpd',
      created_by: operator.email,
    });
    expect(res.json.revision.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(res.json.config).toMatch(/^\tneighbor 206\.126\.236\.102 \{$/m);

    const revisions = await callRoute(listConfigRevisionsRoute, { token: viewer.token, params: { id } });
    expect(revisions.json.data).toHaveLength(1);
    expect(revisions.json.data[0]).toMatchObject({ id: res.json.revision.id, text: res.json.config });

    expect(await listSessionStatesAtExchange(1)).toContainEqual({
      peer_participant_id: 2,
      state: 'not configured',
    });
    const peer = await callRoute(getPeerRoute, {
      token: viewer.token,
      params: { public_id: 1, participant_id: 2 },
    });
    expect(peer.status).toBe(200);
    expect(peer.json.is_peer).toBe(false);
    expect(peer.json.log_data?.map((e: { message: string }) => e.message)).toContainEqual(
      expect.stringMatching(/^Session config rendered, not delivered: /),
    );
  });

  it('hands a delivery adapter the real password only when it asks, and stores the placeholder', async () => {
    const { sessions } = await routerWithSessions('frr');
    const pushed: string[] = [];
    const pushing: ConfigDelivery = {
      method: 'test-push',
      async deliver({ config, withSecrets }) {
        expect(config).toContain(PASSWORD_PLACEHOLDER);
        pushed.push(await withSecrets());
        return { delivered: true };
      },
    };
    const result = await configureSession(sessions[0].id, { email: operator.email }, pushing);
    expect(result.delivery).toBe('test-push');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]).toMatch(/^ neighbor 206\.126\.236\.102 password ace12345$/m);
    expect(result.config).not.toContain('ace12345');
    const revisions = await callRoute(listConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: sessions[0].id },
    });
    expect(revisions.json.data[0]?.text).toBe(result.config);
  });

  it('needs the operator role and an existing session, and changes nothing when refused', async () => {
    const { sessions } = await routerWithSessions('gobgp');
    const before = await tableSnapshot();
    expect(
      (await callRoute(configureSessionRoute, { token: viewer.token, params: { id: sessions[0].id } }))
        .status,
    ).toBe(403);
    expect(
      (await callRoute(configureSessionRoute, { token: operator.token, params: { id: crypto.randomUUID() } }))
        .status,
    ).toBe(404);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('passwords a platform cannot take', () => {
  const long = `Abc${'x'.repeat(27)}`;

  async function junosWithLongPassword() {
    const { router, sessions } = await routerWithSessions('junos');
    const patched = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: sessions[1].id },
      body: { password: long },
    });
    expect(patched.status).toBe(200);
    return { router, session: sessions[1] };
  }

  it('refuses to move the router to a platform one of its passwords does not fit, changing nothing', async () => {
    const { router, session } = await junosWithLongPassword();
    const before = await tableSnapshot();
    const res = await callRoute(updateRouterRoute, {
      token: operator.token,
      params: { id: router.id },
      body: { platform: 'cisco-ios' },
    });
    expect(res.status).toBe(409);
    expect(res.error?.message).toContain(session.id);
    expect(res.error?.message).toMatch(/at most 25 characters/);
    expect(res.error?.details?.map((d: { path: string }) => d.path)).toEqual(['body.platform']);
    expect(res.body).not.toContain(long);
    expect(await tableSnapshot()).toEqual(before);

    const other = await callRoute(updateRouterRoute, {
      token: operator.token,
      params: { id: router.id },
      body: { platform: 'arista-eos' },
    });
    expect(other.status).toBe(200);
  });

  it('refuses to move a session with a long password onto a Cisco IOS router', async () => {
    const { session } = await junosWithLongPassword();
    const { router: ios } = await routerWithSessions('cisco-ios');
    const before = await tableSnapshot();
    const res = await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: session.id },
      body: { resource_id: ios.id },
    });
    expect(res.status).toBe(422);
    expect(res.error?.message).toMatch(/at most 25 characters/);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('renders no config the target platform would refuse: 422 naming the session and the limit', async () => {
    const { router, session } = await junosWithLongPassword();
    const query = { platform: 'cisco-ios' } as const;
    const answers = {
      session: await callRoute(renderSessionConfigRoute, {
        token: viewer.token,
        params: { id: session.id },
        query,
      }),
      router: await callRoute(renderRouterConfigRoute, {
        token: viewer.token,
        params: { id: router.id },
        query,
      }),
    };
    for (const [rendered, res] of Object.entries(answers)) {
      expect(res.status, rendered).toBe(422);
      expect(res.error?.message).toContain(session.id);
      expect(res.error?.message).toMatch(/at most 25 characters/);
      expect(res.body).not.toContain(long);
    }
    expect(
      (await callRoute(renderSessionConfigRoute, { token: viewer.token, params: { id: session.id } })).status,
    ).toBe(200);
  });

  it('does not configure a session whose stored password its router platform refuses', async () => {
    const { router, session } = await junosWithLongPassword();
    // A router that went to IOS before the platform change was checked.
    const stored = await routersRepository.get(router.id, true);
    if (!stored) throw new Error('router gone');
    await routersRepository.update(stored, { ...stored, platform: 'cisco-ios', version: stored.version + 1 });
    const before = await tableSnapshot();
    const res = await callRoute(configureSessionRoute, { token: operator.token, params: { id: session.id } });
    expect(res.status).toBe(422);
    expect(res.error?.message).toContain(session.id);
    expect(res.error?.message).toMatch(/cisco-ios accepts passwords of at most 25 characters/);
    expect(await tableSnapshot()).toEqual(before);
    const pushed: string[] = [];
    await expect(
      configureSession(
        session.id,
        { email: operator.email },
        {
          method: 'test-push',
          async deliver({ withSecrets }) {
            pushed.push(await withSecrets());
            return { delivered: true };
          },
        },
      ),
    ).rejects.toThrow(/at most 25 characters/);
    expect(pushed).toEqual([]);
    expect(
      (await callRoute(renderSessionConfigRoute, { token: viewer.token, params: { id: session.id } })).status,
    ).toBe(422);
  });
});
