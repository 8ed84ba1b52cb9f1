import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { KEYS } from '../../shared/platform/storage/keys';
import { getConfigRevision, indexConfigRevisionsById } from '../../shared/sessions/config-revisions-store';
import { callRoute, type RouteBody, userWithRole } from '../support/api';
import { createRouterRoute } from '../../shared/routers/routes';
import {
  addSessionRoute,
  diffConfigRevisionsRoute,
  listConfigRevisionsRoute,
  updateSessionRoute,
} from '../../shared/sessions/routes';
import {
  configureSessionRoute,
  deleteSessionRoute,
  deleteSessionsRoute,
} from '../../shared/deployments/routes';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';

let operator: { token: string };
let viewer: { token: string };

beforeAll(async () => {
  await syncObjects({
    ...ASHBURN,
    net: [
      { id: 2, asn: 20940, name: 'Akamai Technologies', info_prefixes4: 20 },
      { id: 1418, asn: 16509, name: 'Amazon.com', info_prefixes4: 200 },
      { id: 3899, asn: 12129, name: '123.net', info_prefixes4: 10 },
    ],
    netixlan: [
      ashburnPort(10, 2, 20940, '206.126.236.102'),
      ashburnPort(11, 1418, 16509, '206.126.236.68'),
      ashburnPort(12, 3899, 12129, '206.126.236.70'),
    ],
  });
  [operator, viewer] = await Promise.all([userWithRole('operator'), userWithRole('viewer')]);
});

async function newRouter(platform: RouteBody<typeof createRouterRoute>['platform']) {
  const res = await callRoute(createRouterRoute, {
    token: operator.token,
    body: {
      hostname: `r-${crypto.randomUUID().slice(0, 8)}.example.net`,
      platform,
      asn: 64500,
      router_id: '192.0.2.1',
    },
  });
  expect(res.status).toBe(201);
  return res.json;
}

async function add(
  resourceId: string,
  peerIp: string,
  extra: Partial<RouteBody<typeof addSessionRoute>> = {},
) {
  const res = await callRoute(addSessionRoute, {
    token: operator.token,
    body: { resource_id: resourceId, peer_ipaddr: peerIp, ...extra },
  });
  expect(res.status).toBe(201);
  return res.json;
}

const configure = async (id: string) => {
  const res = await callRoute(configureSessionRoute, { token: operator.token, params: { id } });
  expect(res.status).toBe(200);
  return res.json.revision.id;
};

describe('deleting a session tells how to remove it from its router', () => {
  it('gives the lines to paste on a command platform', async () => {
    const router = await newRouter('frr');
    const s = await add(router.id, '206.126.236.68');
    await add(router.id, '206.126.236.70');
    const res = await callRoute(deleteSessionRoute, { token: operator.token, params: { id: s.id } });
    expect(res.status).toBe(200);
    expect(res.json.session.id).toBe(s.id);
    expect(res.json.removal).toMatchObject({
      router_id: router.id,
      platform: 'frr',
      kind: 'commands',
      session_ids: [s.id],
    });
    // The group still has a neighbor: it stays. The session's own policy (its exchange's tags, its
    // first AS) goes with it.
    expect(res.json.removal?.config).toBe(
      [
        `! peerflow: remove BGP neighbor 206.126.236.68 from ${router.hostname} (frr), AS64500`,
        'router bgp 64500',
        ' no neighbor 206.126.236.68',
        'exit',
        'no route-map as16509_206_126_236_68_in',
        'no bgp as-path access-list as16509_206_126_236_68_not_first',
        '',
      ].join('\n'),
    );
  });

  it("gives a file platform's whole config without the session, and says so", async () => {
    const router = await newRouter('bird2');
    const s = await add(router.id, '206.126.236.68');
    await add(router.id, '206.126.236.70');
    const res = await callRoute(deleteSessionRoute, { token: operator.token, params: { id: s.id } });
    expect(res.status).toBe(200);
    expect(res.json.removal).toMatchObject({ platform: 'bird2', kind: 'config' });
    expect(res.json.removal?.note).toMatch(
      /whole peerflow-managed BGP config .* without the removed session/,
    );
    expect(res.json.removal?.config).toContain('neighbor 206.126.236.70 as 12129;');
    expect(res.json.removal?.config).not.toContain('206.126.236.68');
  });

  it('gives one removal per router for a filtered delete, and the same on a dry run', async () => {
    const [a, b] = [await newRouter('junos'), await newRouter('arista-eos')];
    await add(a.id, '206.126.236.102');
    await add(b.id, '206.126.236.102');
    await add(b.id, '206.126.236.70');
    const query = { peer_asn: 20940 };
    const dry = await callRoute(deleteSessionsRoute, {
      token: operator.token,
      query: { ...query, dry_run: 'true' },
    });
    const res = await callRoute(deleteSessionsRoute, { token: operator.token, query });
    expect(res.status).toBe(200);
    expect(res.json.deleted).toBe(2);
    expect(dry.json.removals.map((r) => r.config)).toEqual(res.json.removals.map((r) => r.config));
    const byRouter = new Map(res.json.removals.map((r) => [r.router_id, r.config]));
    // Junos: the group left empty goes as a whole; EOS: the neighbor goes, its group keeps .70.
    expect(byRouter.get(a.id)).toBe(
      [
        'delete protocols bgp group peers_v4',
        'delete policy-options policy-statement as20940_206_126_236_102_in',
        'delete policy-options community as20940_206_126_236_102_tags',
        'delete policy-options policy-statement as20940_206_126_236_102_first_as',
        'delete policy-options as-path as20940_206_126_236_102_first',
        '',
      ].join('\n'),
    );
    expect(byRouter.get(b.id)).toContain('   no neighbor 206.126.236.102\n!');
  });
});

describe('config revisions outlive their session', () => {
  it('lists them after the delete, the removal last, and 404 for a session that never was', async () => {
    const router = await newRouter('openbgpd');
    const s = await add(router.id, '206.126.236.68');
    await configure(s.id);
    const del = await callRoute(deleteSessionRoute, { token: operator.token, params: { id: s.id } });
    const res = await callRoute(listConfigRevisionsRoute, { token: viewer.token, params: { id: s.id } });
    expect(res.status).toBe(200);
    expect(res.json.data.map((r) => r.source)).toEqual(['removal', 'rendered']);
    expect(res.json.data[0]?.text).toBe(del.json.removal?.config);
    const unknown = await callRoute(listConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: crypto.randomUUID() },
    });
    expect(unknown.status).toBe(404);
  });

  it('diffs two revisions of a router, deleted sessions included; 404 unknown, 422 another router', async () => {
    const router = await newRouter('frr');
    const s = await add(router.id, '206.126.236.68', { prfx_max: 200 });
    const first = await configure(s.id);
    await callRoute(updateSessionRoute, {
      token: operator.token,
      params: { id: s.id },
      body: { prfx_max: 300 },
    });
    const second = await configure(s.id);
    const diff = await callRoute(diffConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: router.id, a: first, b: second },
    });
    expect(diff.status).toBe(200);
    const lines = diff.json.diff.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^--- ${first} \\(rendered, frr, `));
    expect(lines[1]).toMatch(new RegExp(`^\\+\\+\\+ ${second} \\(rendered, frr, `));
    expect(lines.filter((l) => /^[-+@]/.test(l)).slice(2)).toEqual([
      expect.stringMatching(/^@@ -(\d+),(\d+) \+\1,\2 @@$/),
      '-  neighbor 206.126.236.68 maximum-prefix 200',
      '+  neighbor 206.126.236.68 maximum-prefix 300',
    ]);
    const same = await callRoute(diffConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: router.id, a: first, b: first },
    });
    expect(same.json.diff).toBe('');

    await callRoute(deleteSessionRoute, { token: operator.token, params: { id: s.id } });
    const [removal] = (
      await callRoute(listConfigRevisionsRoute, { token: viewer.token, params: { id: s.id } })
    ).json.data;
    const gone = await callRoute(diffConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: router.id, a: second, b: removal!.id },
    });
    expect(gone.status).toBe(200);
    expect(gone.json.to.source).toBe('removal');
    expect(gone.json.diff).toContain('+ no neighbor 206.126.236.68');

    const unknown = await callRoute(diffConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: router.id, a: first, b: crypto.randomUUID() },
    });
    expect(unknown.status).toBe(404);

    const other = await newRouter('frr');
    const o = await add(other.id, '206.126.236.70');
    const foreign = await configure(o.id);
    const mixed = await callRoute(diffConfigRevisionsRoute, {
      token: viewer.token,
      params: { id: router.id, a: first, b: foreign },
    });
    expect(mixed.status).toBe(422);
    expect(mixed.error?.details).toEqual([
      { path: 'params.b', message: `revision ${foreign} is of router ${other.id}` },
    ]);
  });
});

describe('revisions stored before they could be found by id', () => {
  it('are indexed by the migration, and found by the diff afterwards', async () => {
    const revision = {
      id: crypto.randomUUID(),
      session_id: crypto.randomUUID(),
      router_id: crypto.randomUUID(),
      platform: 'frr',
      source: 'rendered',
      text: 'router bgp 64500\n',
      sha256: 'x',
      created: '2026-01-01T00:00:00.000Z',
      created_by: 'ops@example.net',
    };
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...KEYS.configRevision.key({
            session: revision.session_id,
            created: revision.created,
            revision: revision.id,
          }),
          entity: KEYS.configRevision.entity,
          ...revision,
        },
      }),
    );
    expect(await getConfigRevision(revision.id)).toBeUndefined();
    expect(await indexConfigRevisionsById()).toBeGreaterThanOrEqual(1);
    expect(await getConfigRevision(revision.id)).toEqual(revision);
    expect(await indexConfigRevisionsById()).toBe(0);
  });
});
