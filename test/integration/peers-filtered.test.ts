import { BatchWriteCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { backgroundRun } from '../../shared/app/peeringdb-sync';
import { PEER_MIGRATIONS } from '../../shared/peers/migrations';
import { buildExchangeRows, refreshPeerRows } from '../../shared/peers/peer-rows';
import { peerRowsRepository } from '../../shared/peers/peer-rows-store';
import { peerStateRepository } from '../../shared/peers/peer-state-store';
import { listPeersRoute, resetPeerStatusRoute, updatePeerRoute } from '../../shared/peers/routes';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { KEYS } from '../../shared/platform/storage/keys';
import { runMigrations } from '../../shared/platform/storage/migrations';
import { queryAll } from '../../shared/platform/storage/query';
import { sendRequestRoute, updateRequestRoute } from '../../shared/requests/routes';
import { createRouterRoute } from '../../shared/routers/routes';
import { addSessionRoute, updateSessionRoute } from '../../shared/sessions/routes';
import { configureSessionRoute, deleteSessionRoute } from '../../shared/deployments/routes';
import { patchSettingsRoute } from '../../shared/settings/routes';
import { putSettings } from '../../shared/settings/settings';
import { call, callRoute, userWithRole } from '../support/api';
import { markDeployed } from '../support/deployed';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';

/**
 * Lists filtered on `qualified`, `request_status` and `is_peer` are read from the peer rows. Each
 * test changes what the rows are made of through the API (the rules, a request, a session, our state
 * of a peer, PeeringDB), then checks every filter against the whole list filtered here, page by
 * page with cursors, and that the filtered pages were read from the rows and not from the members.
 */

const FROM = `peering-${Math.random().toString(36).slice(2, 8)}@filtered.example`;

const NETS = [
  { id: 100, asn: 64_500, name: 'Our Network' },
  { id: 2, asn: 20_940, name: 'Akamai Technologies', policy_general: 'Open' },
  { id: 1418, asn: 16_509, name: 'Amazon.com', policy_general: 'Selective' },
  { id: 3899, asn: 12_129, name: '123.net', policy_general: 'Open' },
  { id: 4001, asn: 64_601, name: 'Closed Corp', policy_general: 'No' },
  { id: 4002, asn: 64_602, name: 'Restrictive Co', policy_general: 'Restrictive' },
  { id: 4003, asn: 64_603, name: 'Selective Ltd', policy_general: 'Selective' },
  { id: 4004, asn: 64_604, name: 'Open Eyeballs', policy_general: 'Open', info_prefixes4: 5 },
];
const PORTS = [
  ashburnPort(10, 100, 64_500, '206.126.236.1'),
  ashburnPort(11, 2, 20_940, '206.126.236.102'),
  ashburnPort(12, 1418, 16_509, '206.126.236.68'),
  ashburnPort(13, 3899, 12_129, '206.126.236.70'),
  ashburnPort(14, 4001, 64_601, '206.126.236.71'),
  ashburnPort(15, 4002, 64_602, '206.126.236.72'),
  ashburnPort(16, 4003, 64_603, '206.126.236.73'),
  ashburnPort(17, 4004, 64_604, '206.126.236.74'),
];
const POCS = [
  { id: 1, net_id: 2, role: 'Policy', email: 'peering@akamai.example' },
  { id: 2, net_id: 1418, role: 'Policy', email: 'peering@amazon.example' },
  { id: 3, net_id: 3899, role: 'NOC', email: 'noc@123net.example' },
];
const DATA = { ...ASHBURN, net: NETS, netixlan: PORTS, poc: POCS };

let viewer: string;
let operator: string;
let admin: string;

beforeAll(async () => {
  await syncObjects(DATA);
  await putSettings(
    {
      source_asn: 64_500,
      source_participant_id: 100,
      company_name: 'Ours',
      email_from: FROM,
      send_rate_per_second: 100,
    },
    { email: 'setup@filtered.example' },
  );
  await buildExchangeRows(1);
  const users = await Promise.all([userWithRole('viewer'), userWithRole('operator'), userWithRole('admin')]);
  [viewer, operator, admin] = [users[0].token, users[1].token, users[2].token];
});

type Query = Record<string, string>;
interface ListedPeer {
  id: number;
  name: string;
  qualified: boolean;
  request_status: string;
  is_peer: boolean;
}

/** Every page of a list at exchange 1, following the cursors. */
async function everyPage(query: Query, limit: number): Promise<ListedPeer[]> {
  const all: ListedPeer[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 50; pages++) {
    const res = await callRoute(listPeersRoute, {
      token: viewer,
      params: { public_id: 1 },
      query: { ...query, limit, ...(cursor ? { cursor } : {}) },
    });
    expect(res.status).toBe(200);
    expect(res.json.data.length).toBeLessThanOrEqual(limit);
    all.push(...(res.json.data as ListedPeer[]));
    cursor = res.json.next_cursor ?? undefined;
    if (!cursor) return all;
  }
  throw new Error('the list did not end');
}

const FILTERS: Query[] = [
  { qualified: 'true' },
  { qualified: 'false' },
  { request_status: 'none' },
  { request_status: 'sent' },
  { request_status: 'accepted' },
  { is_peer: 'true' },
  { is_peer: 'false' },
  { qualified: 'true', is_peer: 'false' },
  { qualified: 'false', request_status: 'none' },
  { qualified: 'true', request_status: 'sent', is_peer: 'false' },
  { qualified: 'true', name: 'a' },
];

function matches(peer: ListedPeer, f: Query): boolean {
  return (
    (f.qualified === undefined || String(peer.qualified) === f.qualified) &&
    (f.request_status === undefined || peer.request_status === f.request_status) &&
    (f.is_peer === undefined || String(peer.is_peer) === f.is_peer) &&
    (f.name === undefined || peer.name.toLowerCase().includes(f.name))
  );
}

/** The members' partition of exchange 1 read during `op`: a filtered page from the rows reads none. */
async function memberReads(op: () => Promise<unknown>): Promise<number> {
  const members = KEYS.member.keys.table.pk.build({ ix: 1 });
  let reads = 0;
  const name = `count-member-reads-${crypto.randomUUID()}`;
  ddb().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
      if (input.ExpressionAttributeValues?.[':pk'] === members) reads += 1;
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await op();
    return reads;
  } finally {
    ddb().middlewareStack.remove(name);
  }
}

/**
 * Each filter, in pages of 2 and of 100, gives exactly the whole list filtered here; with
 * `fromRows`, without reading the members.
 */
async function expectFiltersHold(options: { fromRows: boolean }) {
  const whole = await everyPage({}, 100);
  expect(whole.length).toBeGreaterThan(0);
  for (const f of FILTERS) {
    const expected = whole.filter((p) => matches(p, f));
    let small: ListedPeer[] = [];
    const reads = await memberReads(async () => {
      small = await everyPage(f, 2);
    });
    expect(small, JSON.stringify(f)).toEqual(expected);
    expect(await everyPage(f, 100), JSON.stringify(f)).toEqual(expected);
    if (options.fromRows) expect(reads, JSON.stringify(f)).toBe(0);
  }
  return whole;
}

const byName = (peers: ListedPeer[], name: string) => peers.find((p) => p.name === name);

describe('filtered peer lists', () => {
  it('serve every filter from the peer rows, as the whole list filtered', async () => {
    const whole = await expectFiltersHold({ fromRows: true });
    // Our own network is never listed, filtered or not.
    expect(whole.map((p) => p.id)).not.toContain(100);
    expect(whole.filter((p) => p.qualified).map((p) => p.name)).toEqual([
      '123.net',
      'Akamai Technologies',
      'Amazon.com',
      'Open Eyeballs',
      'Selective Ltd',
    ]);
  });

  it('page with cursors, each peer once, and keep a cursor to the list that issued it', async () => {
    const ones = await everyPage({ qualified: 'true' }, 1);
    expect(ones.map((p) => p.id)).toEqual([3899, 2, 1418, 4004, 4003]);
    const first = await callRoute(listPeersRoute, {
      token: viewer,
      params: { public_id: 1 },
      query: { qualified: 'true', limit: 2 },
    });
    const cursor = first.json.next_cursor ?? undefined;
    expect(cursor).toBeTruthy();
    const elsewhere = await callRoute(listPeersRoute, {
      token: viewer,
      params: { public_id: 1 },
      query: { qualified: 'false', limit: 2, cursor },
    });
    expect(elsewhere.status).toBe(422);
  });

  it('follow a change of the rules, from the members until the rows are rebuilt, then from the rows', async () => {
    const res = await callRoute(patchSettingsRoute, {
      token: admin,
      body: { qualification: { allowed_policies: ['Open', 'Selective', 'Restrictive'] } },
    });
    expect(res.status).toBe(200);
    // Whether or not the rebuild started by the change has finished, the lists hold.
    await expectFiltersHold({ fromRows: false });
    await backgroundRun();
    const whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Restrictive Co')?.qualified).toBe(true);
    await callRoute(patchSettingsRoute, {
      token: admin,
      body: { qualification: { allowed_policies: ['Open', 'Selective'], min_prefixes4: 10 } },
    });
    await backgroundRun();
    const after = await expectFiltersHold({ fromRows: true });
    expect(byName(after, 'Restrictive Co')?.qualified).toBe(false);
    expect(byName(after, 'Open Eyeballs')?.qualified).toBe(false);
    await callRoute(patchSettingsRoute, {
      token: admin,
      body: { qualification: { min_prefixes4: 0 } },
    });
    await backgroundRun();
  });

  it('follow a request: sent, answered, reset', async () => {
    const sent = await callRoute(sendRequestRoute, { token: operator, body: { peer_participant_id: 2 } });
    expect(sent.status).toBe(201);
    let whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.request_status === 'sent').map((p) => p.id)).toEqual([2]);
    const answered = await callRoute(updateRequestRoute, {
      token: operator,
      params: { id: (sent.json as { id: string }).id },
      body: { status: 'accepted' },
    });
    expect(answered.status).toBe(200);
    whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Akamai Technologies')?.request_status).toBe('accepted');
    const reset = await callRoute(resetPeerStatusRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 2 },
    });
    expect(reset.status).toBe(200);
    whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Akamai Technologies')?.request_status).toBe('none');
  });

  it('follow our state of a peer: an override of the verdict, a peer hidden for a while', async () => {
    const override = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 4001 },
      body: { qualification_override: { qualified: true, reason: 'peers with us anyway' } },
    });
    expect(override.status).toBe(200);
    let whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Closed Corp')?.qualified).toBe(true);
    const hidden = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 4003 },
      body: { hidden_until: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(hidden.status).toBe(200);
    whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Selective Ltd')).toBeUndefined();
    const withHidden = await everyPage({ qualified: 'true', include_hidden: 'true' }, 2);
    expect(withHidden.map((p) => p.name)).toContain('Selective Ltd');
    await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 4003 },
      body: { hidden_until: null },
    });
    await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 4001 },
      body: { qualification_override: null },
    });
    whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Closed Corp')?.qualified).toBe(false);
  });

  it('follow a session: added, configured, moved to another peer, deleted', async () => {
    const router = await callRoute(createRouterRoute, {
      token: operator,
      body: { hostname: 'edge-filtered.example.net', platform: 'frr', asn: 64_500, router_id: '192.0.2.1' },
    });
    expect(router.status).toBe(201);
    const added = await callRoute(addSessionRoute, {
      token: operator,
      body: { resource_id: router.json.id, peer_ipaddr: '206.126.236.70' },
    });
    expect(added.status).toBe(201);
    let whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.is_peer)).toEqual([]);
    const configured = await callRoute(configureSessionRoute, {
      token: operator,
      params: { id: added.json.id },
    });
    expect(configured.status).toBe(200);
    // Without a router connection nothing reached a router: still not a peer.
    expect(configured.json.session.state).toBe('not configured');
    whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.is_peer)).toEqual([]);
    const claimed = await callRoute(updateSessionRoute, {
      token: operator,
      params: { id: added.json.id },
      body: { state: 'configured' },
    });
    // By hand, configured is refused: no router showed it.
    expect(claimed.status).toBe(422);
    await markDeployed(added.json.id);
    whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.is_peer).map((p) => p.id)).toEqual([3899]);
    const moved = await callRoute(updateSessionRoute, {
      token: operator,
      params: { id: added.json.id },
      body: { peer_ipaddr: '206.126.236.72', peer_asn: 64_602 },
    });
    expect(moved.status).toBe(200);
    // The router has the old neighbor, not this one: no longer configured, and neither is a peer.
    expect(moved.json.state).toBe('not configured');
    whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.is_peer)).toEqual([]);
    await markDeployed(added.json.id);
    whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.is_peer).map((p) => p.id)).toEqual([4002]);
    const deleted = await callRoute(deleteSessionRoute, { token: operator, params: { id: added.json.id } });
    expect(deleted.status).toBe(200);
    whole = await expectFiltersHold({ fromRows: true });
    expect(whole.filter((p) => p.is_peer)).toEqual([]);
  });

  it('follow PeeringDB: from the members as soon as a sync changed them, from the rows once rebuilt', async () => {
    const changed = {
      ...DATA,
      net: [
        ...NETS.filter((n) => n.id !== 4004).map((n) =>
          n.id === 1418
            ? { ...n, policy_general: 'No' }
            : n.id === 4003
              ? { ...n, name: 'Aardvark Selective' }
              : n,
        ),
        { id: 4005, asn: 64_605, name: 'Newcomer Networks', policy_general: 'Open' },
      ],
      netixlan: [...PORTS.filter((p) => p.net_id !== 4004), ashburnPort(18, 4005, 64_605, '206.126.236.75')],
    };
    // The sync alone: the exchange's rows are no longer trusted, the lists read the members.
    const report = await syncObjects(changed, { peerRows: false });
    expect(report.status).toBe('succeeded');
    let whole = await expectFiltersHold({ fromRows: false });
    expect(whole.map((p) => p.name)).toContain('Newcomer Networks');
    // And the build that follows every sync.
    await syncObjects(changed);
    whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Amazon.com')?.qualified).toBe(false);
    expect(whole.map((p) => p.name)).not.toContain('Open Eyeballs');
    expect(whole[0]?.name).toBe('123.net');
    expect(whole.map((p) => p.name)).toContain('Aardvark Selective');
    await syncObjects(DATA);
    await expectFiltersHold({ fromRows: true });
  });

  it('end with the rows a change made, when the change lands while the exchange is being built', async () => {
    // The change is written while the build is between reading and writing (the first batch of rows
    // it writes): the build's rows are older than the change, so it must not record itself as built.
    const name = `change-during-build-${crypto.randomUUID()}`;
    let injected = false;
    ddb().middlewareStack.add(
      (next) => async (args) => {
        if (!injected && args.input && (args.input as object) && 'RequestItems' in (args.input as object)) {
          injected = true;
          await peerStateRepository.change(
            { publicId: 1, participantId: 4002, name: 'Restrictive Co' },
            {
              qualification_override: {
                qualified: true,
                reason: 'raced',
                user: null,
                time: new Date().toISOString(),
              },
            },
            [],
          );
          // What the change's own writer does first; its rewrite of the row is left out, as if lost.
          await peerRowsRepository.raise(1);
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      // A build that writes: the rows must differ from what is stored.
      await ddb().send(new DeleteCommand({ TableName: tableName(), Key: peerRowsRepository.rowKey(1, 2) }));
      const build = await buildExchangeRows(1);
      expect(injected).toBe(true);
      expect(build.built).toBe(true);
    } finally {
      ddb().middlewareStack.remove(name);
    }
    const whole = await expectFiltersHold({ fromRows: true });
    expect(byName(whole, 'Restrictive Co')?.qualified).toBe(true);
    await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 4002 },
      body: { qualification_override: null },
    });
    await expectFiltersHold({ fromRows: true });
  });

  it('are built for a table stored before the rows, by the migration', async () => {
    const rows = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.peerRow.keys.table.pk.build({ ix: 1 }) },
      ProjectionExpression: 'pk, sk',
    });
    const builds = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.peerRowsBuild.keys.table.pk.build({}) },
      ProjectionExpression: 'pk, sk',
    });
    const keys = [...rows, ...builds].map((k) => ({ DeleteRequest: { Key: k } }));
    for (let i = 0; i < keys.length; i += 25) {
      await ddb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: keys.slice(i, i + 25) } }));
    }
    await expectFiltersHold({ fromRows: false });
    const migration = PEER_MIGRATIONS.find((m) => m.name === 'peer-rows');
    expect(migration).toBeDefined();
    const ran = await runMigrations([{ ...migration!, name: `peer-rows-again-${crypto.randomUUID()}` }]);
    expect(ran[0]?.changed).toBe(rows.length);
    await expectFiltersHold({ fromRows: true });
  });

  it('answer v1 getPeers with the same filters as v2', async () => {
    await refreshPeerRows([{ publicId: 1, participantId: 2 }]);
    const v2 = (f: Query) => everyPage(f, 100);
    const v1 = async (params: string) => {
      const res = await call('GET', `/api/v1/api.php?target=peering&action=getPeers&public_id=1&${params}`, {
        token: viewer,
      });
      expect(res.status).toBe(200);
      return (res.json.data as { id: string }[]).map((p) => Number(p.id));
    };
    const ids = (peers: ListedPeer[]) => peers.map((p) => p.id);
    expect(await v1('qualified=1')).toEqual(ids(await v2({ qualified: 'true' })));
    expect(await v1('qualified=0')).toEqual(ids(await v2({ qualified: 'false' })));
    expect(await v1('is_peer=0&qualified=true')).toEqual(
      ids(await v2({ is_peer: 'false', qualified: 'true' })),
    );
    expect(await v1('request_status=none')).toEqual(ids(await v2({ request_status: 'none' })));
    expect((await v1('qualified=1')).length).toBeGreaterThan(0);
  });
});
