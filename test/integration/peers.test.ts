import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PeerListQuery,
  getPeerRoute,
  listCommunicationsRoute,
  listPeersRoute,
  resetPeerStatusRoute,
  updatePeerRoute,
} from '../../shared/peers/routes';
import { listPeers } from '../../shared/peers/peers';
import { refreshPeerRows, refreshPeersOfSessions } from '../../shared/peers/peer-rows';
import { ddb } from '../../shared/platform/storage/client';
import { KEYS } from '../../shared/platform/storage/keys';
import { requestStatusItem } from '../../shared/peers/peer-state-store';
import { peerLogItem } from '../../shared/peer-log';
import { routersRepository } from '../../shared/routers/routers-store';
import { sessionsRepository } from '../../shared/sessions/sessions-store';
import { call, tableSnapshot, userWithRole, callRoute, type RouteQuery } from '../support/api';
import { patchSettingsRoute, putSettingsRoute } from '../../shared/settings/routes';
import { syncObjects } from '../support/peeringdb';

/**
 * Exchange 1 has six members, exchange 2 has two; network 6 has two ports at exchange 1 and network 7
 * is only at exchange 2. The networks are built to sit on either side of the default rules.
 */
const NETS: ({ id: number } & Record<string, unknown>)[] = [
  {
    id: 1,
    asn: 64601,
    name: 'Alpha Transit',
    aka: 'Formerly Alphanet',
    policy_general: 'Open',
    irr_as_set: 'AS-ALPHA',
  },
  {
    id: 2,
    asn: 64602,
    name: 'beta Content',
    info_type: 'Content',
    policy_general: 'Selective',
    info_prefixes4: 20,
  },
  {
    id: 3,
    asn: 64603,
    name: 'Gamma Restrictive',
    policy_general: 'Restrictive',
    website: 'https://gamma.example',
  },
  {
    id: 4,
    asn: 64604,
    name: 'Delta Closed',
    policy_general: 'No',
    info_ipv6: false,
    created: '2010-01-01T00:00:00Z',
  },
  { id: 5, asn: 64605, name: 'Epsilon Eyeballs', info_type: 'Cable/DSL/ISP', info_prefixes4: null },
  { id: 6, asn: 64606, name: 'Zeta Two Ports', policy_ratio: true },
  { id: 7, asn: 64607, name: 'Eta Elsewhere' },
  // At exchange 2 only: route servers, one typed so in PeeringDB, one known by exchange 2's rs_asn.
  {
    id: 8,
    asn: 64608,
    name: 'Theta Route Servers',
    info_type: 'Route Server',
    info_types: ['Route Server'],
  },
  { id: 9, asn: 64609, name: 'Iota Exchange Services', info_type: 'Non-Profit' },
];

const ROWS = [
  { id: 11, net_id: 1, ix_id: 1, asn: 64601, ipaddr4: '192.0.2.1', ipaddr6: '2001:db8::1' },
  { id: 12, net_id: 2, ix_id: 1, asn: 64602, ipaddr4: '192.0.2.2' },
  { id: 13, net_id: 3, ix_id: 1, asn: 64603, ipaddr4: '192.0.2.3' },
  { id: 14, net_id: 4, ix_id: 1, asn: 64604, ipaddr4: '192.0.2.4' },
  { id: 15, net_id: 5, ix_id: 1, asn: 64605, ipaddr4: '192.0.2.5' },
  { id: 16, net_id: 6, ix_id: 1, asn: 64606, ipaddr4: '192.0.2.6' },
  { id: 17, net_id: 6, ix_id: 1, asn: 64606, ipaddr4: '192.0.2.66', ipaddr6: '2001:db8::66' },
  { id: 21, net_id: 7, ix_id: 2, ixlan_id: 2, asn: 64607, ipaddr4: '198.51.100.7' },
  { id: 22, net_id: 1, ix_id: 2, ixlan_id: 2, asn: 64601, ipaddr4: '198.51.100.1' },
  { id: 23, net_id: 8, ix_id: 2, ixlan_id: 2, asn: 64608, ipaddr4: '198.51.100.8' },
  { id: 24, net_id: 9, ix_id: 2, ixlan_id: 2, asn: 64609, ipaddr4: '198.51.100.9' },
];

const POCS = [
  { id: 31, net_id: 1, role: 'NOC', name: 'Alpha NOC', email: 'noc@alpha.example' },
  { id: 32, net_id: 1, role: 'Policy', name: 'Alpha Peering', email: 'peering@alpha.example' },
  { id: 33, net_id: 1, role: 'Technical', name: 'Alpha Tech', email: 'tech@alpha.example' },
  { id: 34, net_id: 2, role: 'Policy', name: 'Beta Peering', email: 'peering@beta.example' },
];

const ALL_AT_1 = [
  'Alpha Transit',
  'beta Content',
  'Delta Closed',
  'Epsilon Eyeballs',
  'Gamma Restrictive',
  'Zeta Two Ports',
];

async function seed(nets = NETS) {
  await syncObjects({
    ix: [
      { id: 1, name: 'Example IX One' },
      { id: 2, name: 'Example IX Two' },
    ],
    ixlan: [
      { id: 1, ix_id: 1 },
      { id: 2, ix_id: 2, rs_asn: 64609 },
    ],
    net: nets,
    netixlan: ROWS,
    poc: POCS,
  });
}

let viewer: string;
let operator: string;
let operatorEmail: string;

beforeAll(async () => {
  await seed();
  viewer = (await userWithRole('viewer')).token;
  const op = await userWithRole('operator');
  operator = op.token;
  operatorEmail = op.email;
});

const peers = (query: RouteQuery<typeof listPeersRoute> = {}, token = viewer) =>
  callRoute(listPeersRoute, { token, params: { public_id: 1 }, query });

/**
 * The DynamoDB requests one page of peers at exchange 1 costs, IPs and contacts embedded: the
 * use-case itself is called, so that the authorizer's user lookups are not counted.
 */
async function requestsForPage(limit: number, extra: Record<string, string> = {}): Promise<number> {
  let requests = 0;
  const counter = `count-requests-${crypto.randomUUID()}`;
  // The settings are cached for a few seconds, so whether they are read depends on the clock: not counted.
  const settingsKey = JSON.stringify(KEYS.settings.key({}));
  ddb().middlewareStack.add(
    (next) => async (args) => {
      const key = (args.input as { Key?: unknown }).Key;
      if (key === undefined || JSON.stringify(key) !== settingsKey) requests += 1;
      return next(args);
    },
    { step: 'initialize', name: counter },
  );
  try {
    const page = await listPeers(
      1,
      PeerListQuery.parse({
        limit: String(limit),
        include_public_ips: 'true',
        include_contacts: 'true',
        ...extra,
      }),
    );
    expect(page.data).toHaveLength(limit);
    return requests;
  } finally {
    ddb().middlewareStack.remove(counter);
  }
}
const names = (res: { json: { data: { name: string }[] } }) => res.json.data.map((p) => p.name);

describe('GET /exchanges/{public_id}/peers', () => {
  it('lists every network with a port at the exchange, by name, and no other', async () => {
    const res = await peers();
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(ALL_AT_1);
    expect(res.json.next_cursor).toBeNull();
    const alpha = res.json.data[0];
    expect(alpha).toMatchObject({
      id: 1,
      public_id: 1,
      asn: 64601,
      aka: 'Formerly Alphanet',
      irr_as_set: 'AS-ALPHA',
      info_prefixes: { v4: 100, v6: 10 },
      policy_general: 'Open',
      qualified: true,
      qualification_reasons: ['policy_general Open is allowed'],
      is_peer: false,
      request_status: 'none',
      notes_private: null,
    });
    expect(alpha).not.toHaveProperty('public_ips');
    expect(alpha).not.toHaveProperty('contacts');
    expect(alpha).not.toHaveProperty('log_data');
  });

  it('pages by name with limit and cursor, each member once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await peers(cursor ? { limit: 4, cursor } : { limit: 4 });
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(4);
      seen.push(...names(res));
      cursor = res.json.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(ALL_AT_1);
  });

  it('pages through filtered results too', async () => {
    const first = await peers({ qualified: 'true', limit: 2 });
    expect(names(first)).toEqual(['Alpha Transit', 'beta Content']);
    const second = await peers({ qualified: 'true', limit: 2, cursor: first.json.next_cursor ?? undefined });
    expect(names(second)).toEqual(['Epsilon Eyeballs', 'Zeta Two Ports']);
    expect(second.json.next_cursor).toBeNull();
  });

  it('takes a cursor only on the list that issued it: the same exchange, filters and hidden peers', async () => {
    const filtered =
      (await peers({ name: 'a', policy_general: 'Open', limit: 1 })).json.next_cursor ?? undefined;
    const plain = (await peers({ limit: 2 })).json.next_cursor ?? undefined;
    expect(filtered).toBeTruthy();
    expect(plain).toBeTruthy();
    const refused = [
      callRoute(listPeersRoute, {
        token: viewer,
        params: { public_id: 2 },
        query: { name: 'a', policy_general: 'Open', limit: 1, cursor: filtered },
      }),
      peers({ limit: 1, cursor: filtered }),
      peers({ name: 'a', limit: 1, cursor: filtered }),
      peers({ name: 'b', policy_general: 'Open', limit: 1, cursor: filtered }),
      peers({ qualified: 'true', limit: 2, cursor: plain }),
      peers({ include_hidden: 'true', limit: 2, cursor: plain }),
      callRoute(listPeersRoute, {
        token: viewer,
        params: { public_id: 2 },
        query: { limit: 2, cursor: plain },
      }),
      // Every parameter but the page size is part of the list, what a page embeds too.
      peers({ include_contacts: 'true', limit: 5, cursor: plain }),
    ];
    for (const res of await Promise.all(refused)) {
      expect(res.status).toBe(422);
      expect(res.error?.details).toEqual([
        { path: 'query.cursor', message: 'not a cursor this list issued' },
      ]);
    }
    // The page size is not, nor the order of the parameters.
    expect((await peers({ policy_general: 'Open', name: 'a', limit: 5, cursor: filtered })).status).toBe(200);
    expect((await peers({ limit: 5, cursor: plain })).status).toBe(200);
  });

  it('embeds public IPs, contacts (policy first) and the log only when asked', async () => {
    const res = await peers({ include_public_ips: 'true', include_contacts: '1', include_log_data: 'true' });
    const zeta = res.json.data.find((p: { id: number }) => p.id === 6);
    expect(zeta?.public_ips?.map((ip) => ip.ipaddr4).sort()).toEqual(['192.0.2.6', '192.0.2.66']);
    const alpha = res.json.data.find((p: { id: number }) => p.id === 1);
    expect(alpha?.contacts?.map((c: { role: string }) => c.role)).toEqual(['Policy', 'Technical', 'NOC']);
    expect(alpha?.contacts?.[0]).toMatchObject({ name: 'Alpha Peering', email: 'peering@alpha.example' });
    expect(alpha?.public_ips).toEqual([
      { ipaddr4: '192.0.2.1', ipaddr6: '2001:db8::1', speed: 10000, is_rs_peer: false, operational: true },
    ]);
    expect(alpha?.log_data).toEqual([]);
    const onlyIps = await peers({ include_public_ips: 'true' });
    expect(onlyIps.json.data[0]).toHaveProperty('public_ips');
    expect(onlyIps.json.data[0]).not.toHaveProperty('contacts');
  });

  it.each<[string, RouteQuery<typeof listPeersRoute>, string[]]>([
    ['?name=BETA', { name: 'BETA' }, ['beta Content']],
    ['?aka=alphanet', { aka: 'alphanet' }, ['Alpha Transit']],
    ['?website=gamma.example', { website: 'gamma.example' }, ['Gamma Restrictive']],
    ['?irr_as_set=as-alpha', { irr_as_set: 'as-alpha' }, ['Alpha Transit']],
    ['?asn=64603', { asn: 64603 }, ['Gamma Restrictive']],
    ['?id=4', { id: 4 }, ['Delta Closed']],
    ['?info_type=Content', { info_type: 'Content' }, ['beta Content']],
    ['?policy_general=Selective', { policy_general: 'Selective' }, ['beta Content']],
    ['?policy_ratio=true', { policy_ratio: 'true' }, ['Zeta Two Ports']],
    ['?info_ipv6=false', { info_ipv6: 'false' }, ['Delta Closed']],
    [
      '?info_prefixes4_min=50',
      { info_prefixes4_min: 50 },
      ['Alpha Transit', 'Delta Closed', 'Gamma Restrictive', 'Zeta Two Ports'],
    ],
    ['?created_before=2011-01-01', { created_before: '2011-01-01' }, ['Delta Closed']],
    ['?qualified=false', { qualified: 'false' }, ['Delta Closed', 'Gamma Restrictive']],
    [
      '?qualified=true&info_type=Cable/DSL/ISP',
      { qualified: 'true', info_type: 'Cable/DSL/ISP' },
      ['Epsilon Eyeballs'],
    ],
    ['?is_peer=true', { is_peer: 'true' }, []],
  ])('filters %s', async (_url, query, expected) => {
    const res = await peers(query);
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(expected);
  });

  it('gives the reasons on both sides of the rules', async () => {
    const res = await peers({ policy_general: 'Restrictive' });
    expect(res.json.data[0]).toMatchObject({
      qualified: false,
      qualification_reasons: ['policy_general Restrictive is not allowed (allowed: Open, Selective)'],
    });
  });

  it.each([
    '?asn=AS64601',
    '?qualified=maybe',
    '?request_status=pending',
    '?created_after=yesterday',
    '?limit=0',
    '?include_contacts=yes',
    '?colour=blue',
    '?cursor=bm90IGEgY3Vyc29y',
  ])('refuses %s with a 422 naming the field', async (query) => {
    const res = await call('GET', `/exchanges/1/peers${query}`, { token: viewer });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.details[0].path).toMatch(/^query/);
  });

  it('makes as many DynamoDB requests for a page of 6 peers with everything embedded as for a page of 2', async () => {
    const small = await requestsForPage(2, { include_log_data: 'true' });
    expect(small).toBeGreaterThan(0);
    expect(await requestsForPage(6, { include_log_data: 'true' })).toBe(small);
  });

  it('answers 404 for an unknown exchange', async () => {
    const res = await callRoute(listPeersRoute, { token: viewer, params: { public_id: 999 } });
    expect(res.status).toBe(404);
    expect(res.error?.message).toBe('Exchange 999 not found');
  });

  it('needs a token', async () => {
    expect((await callRoute(listPeersRoute, { params: { public_id: 1 } })).status).toBe(401);
  });
});

describe('GET /exchanges/{public_id}/peers/{participant_id}', () => {
  it('returns one peer with everything embedded', async () => {
    const res = await callRoute(getPeerRoute, { token: viewer, params: { public_id: 1, participant_id: 1 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: 1, name: 'Alpha Transit', log_data: [] });
    expect(res.json.contacts).toHaveLength(3);
    expect(res.json.public_ips).toHaveLength(1);
  });

  it("takes the list's include flags: each part is embedded unless its flag is false", async () => {
    const asked = await callRoute(getPeerRoute, {
      token: viewer,
      params: { public_id: 1, participant_id: 1 },
      query: { include_contacts: 'true', include_public_ips: 'true', include_log_data: 'true' },
    });
    expect(asked.status).toBe(200);
    expect(asked.json.contacts).toHaveLength(3);
    expect(asked.json.public_ips).toHaveLength(1);
    expect(asked.json.log_data).toEqual([]);
    const lean = await callRoute(getPeerRoute, {
      token: viewer,
      params: { public_id: 1, participant_id: 1 },
      query: { include_contacts: 'false', include_public_ips: 'false', include_log_data: 'false' },
    });
    expect(lean.status).toBe(200);
    expect(lean.json).toMatchObject({ id: 1, name: 'Alpha Transit' });
    expect(lean.json).not.toHaveProperty('contacts');
    expect(lean.json).not.toHaveProperty('public_ips');
    expect(lean.json).not.toHaveProperty('log_data');
    const misspelt = await call('GET', '/exchanges/1/peers/1?include_contact=true', { token: viewer });
    expect(misspelt.status).toBe(422);
  });

  it('answers 404 with a clear message for a network that is not there or does not exist', async () => {
    const elsewhere = await callRoute(getPeerRoute, {
      token: viewer,
      params: { public_id: 1, participant_id: 7 },
    });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.error?.message).toBe(
      'Network 7 (Eta Elsewhere) is not a peer at exchange 1 (Example IX One)',
    );
    const unknown = await callRoute(getPeerRoute, {
      token: viewer,
      params: { public_id: 1, participant_id: 4242 },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.error?.message).toBe('Network 4242 not found');
    const noExchange = await callRoute(getPeerRoute, {
      token: viewer,
      params: { public_id: 999, participant_id: 1 },
    });
    expect(noExchange.error?.message).toBe('Exchange 999 not found');
  });
});

describe('PATCH /exchanges/{public_id}/peers/{participant_id}', () => {
  it('overrides the qualification with a reason, logged with the user in the same write', async () => {
    const res = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 3 },
      body: { qualification_override: { qualified: true, reason: 'agreed with their peering manager' } },
    });
    expect(res.status).toBe(200);
    expect(res.json.qualified).toBe(true);
    expect(res.json.qualification_reasons).toEqual([
      'overridden to qualified: agreed with their peering manager',
      'rule: policy_general Restrictive is not allowed (allowed: Open, Selective)',
    ]);
    expect(res.json.qualification_override).toMatchObject({ qualified: true, user: operatorEmail });
    expect(res.json.log_data).toEqual([
      {
        message: 'Qualification overridden: qualified (agreed with their peering manager)',
        time: expect.any(String),
        request_id: null,
        session_id: null,
        request_number: null,
        session_number: null,
        public_id: 1,
        user: operatorEmail,
      },
    ]);
    expect(names(await peers({ qualified: 'false' }))).toEqual(['Delta Closed']);

    const cleared = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 3 },
      body: { qualification_override: null },
    });
    expect(cleared.json.qualified).toBe(false);
    expect(cleared.json.qualification_override).toBeNull();
    expect(cleared.json.log_data?.map((e: { message: string }) => e.message)).toEqual([
      'Qualification override removed',
      'Qualification overridden: qualified (agreed with their peering manager)',
    ]);
  });

  it('keeps private notes and a preferred contact, which goes first', async () => {
    const res = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 1 },
      body: { notes_private: 'Met at the conference.\nFollow up in June.', preferred_contact_id: 33 },
    });
    expect(res.status).toBe(200);
    expect(res.json.notes_private).toBe('Met at the conference.\nFollow up in June.');
    expect(res.json.contacts?.[0]).toMatchObject({ id: 33, preferred: true });
    expect(res.json.log_data?.map((e: { message: string }) => e.message)).toEqual([
      'Preferred contact set: Technical Alpha Tech',
      'Private notes updated',
    ]);
    expect(names(await peers({ notes_private: 'conference' }))).toEqual(['Alpha Transit']);
  });

  it('hides a peer until a date unless asked for', async () => {
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const res = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 5 },
      body: { hidden_until: until },
    });
    expect(res.status).toBe(200);
    expect(res.json.hidden_until).toBe(until);
    expect(names(await peers())).not.toContain('Epsilon Eyeballs');
    const first = await peers({ limit: 4 });
    expect(names(first)).toEqual(['Alpha Transit', 'beta Content', 'Delta Closed', 'Gamma Restrictive']);
    expect(names(await peers({ limit: 4, cursor: first.json.next_cursor ?? undefined }))).toEqual([
      'Zeta Two Ports',
    ]);
    expect(names(await peers({ limit: 2, include_hidden: 'true' }))).toEqual([
      'Alpha Transit',
      'beta Content',
    ]);
    expect(names(await peers({ include_hidden: 'true' }))).toContain('Epsilon Eyeballs');
    const past = new Date(Date.now() - 1000).toISOString();
    await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 5 },
      body: { hidden_until: past },
    });
    expect(names(await peers())).toContain('Epsilon Eyeballs');
  });

  it('refuses bad input with a 422 and changes nothing', async () => {
    const before = await tableSnapshot();
    for (const body of [
      {},
      { qualification_override: { qualified: true } },
      { qualification_override: { qualified: true, reason: 'line one\nline two' } },
      { preferred_contact_id: 34 },
      { hidden_until: 'tomorrow' },
      { notes_private: 'bell \u0007' },
      { request_status: 'accepted' },
    ]) {
      const res = await call('PATCH', '/exchanges/1/peers/1', { token: operator, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('answers 404 for a network that is not at the exchange, and changes nothing', async () => {
    const before = await tableSnapshot();
    const res = await callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 7 },
      body: { notes_private: 'x' },
    });
    expect(res.status).toBe(404);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('lets a viewer read but not change or reset', async () => {
    const before = await tableSnapshot();
    const patch = await callRoute(updatePeerRoute, {
      token: viewer,
      params: { public_id: 1, participant_id: 1 },
      body: { notes_private: 'x' },
    });
    expect(patch.status).toBe(403);
    const reset = await callRoute(resetPeerStatusRoute, {
      token: viewer,
      params: { public_id: 1, participant_id: 1 },
    });
    expect(reset.status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('POST /exchanges/{public_id}/peers/{participant_id}/reset', () => {
  it('sets the request status back to none and logs it', async () => {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          requestStatusItem({ publicId: 1, participantId: 2, name: 'beta Content' }, 'sent'),
          peerLogItem({
            public_id: 1,
            participant_id: 2,
            message: 'Request sent',
            user: 'someone',
            request_id: 'r-1',
          }),
        ],
      }),
    );
    // As the request's own writer does once the status is stored.
    await refreshPeerRows([{ publicId: 1, participantId: 2 }]);
    expect(names(await peers({ request_status: 'sent' }))).toEqual(['beta Content']);
    const sentAt = (await peers({ request_status: 'sent' })).json.data[0]!.request_status_time!;
    expect(Date.parse(sentAt)).not.toBeNaN();
    const res = await callRoute(resetPeerStatusRoute, {
      token: operator,
      params: { public_id: 1, participant_id: 2 },
    });
    expect(res.status).toBe(200);
    expect(res.json.request_status).toBe('none');
    expect(res.json.request_status_time! >= sentAt).toBe(true);
    // A peer nothing happened with has no time.
    const untouched = (
      await callRoute(getPeerRoute, { token: viewer, params: { public_id: 1, participant_id: 3 } })
    ).json;
    expect([untouched.request_status, untouched.request_status_time]).toEqual(['none', null]);
    expect(
      res.json.log_data?.map((e: { message: string; request_id: string | null }) => [
        e.message,
        e.request_id,
      ]),
    ).toEqual([
      ['Peer status reset', null],
      ['Request sent', 'r-1'],
    ]);
    expect(res.json.log_data?.[0]?.user).toBe(operatorEmail);
    expect(names(await peers({ request_status: 'sent' }))).toEqual([]);
  });

  it('answers 404 for an unknown exchange and changes nothing', async () => {
    const before = await tableSnapshot();
    const res = await callRoute(resetPeerStatusRoute, {
      token: operator,
      params: { public_id: 999, participant_id: 2 },
    });
    expect(res.status).toBe(404);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('GET /exchanges/{public_id}/communications', () => {
  it('gives per peer the request status, qualification, is_peer and the log', async () => {
    const res = await callRoute(listCommunicationsRoute, { token: viewer, params: { public_id: 1 } });
    expect(res.status).toBe(200);
    expect(res.json.data.map((c: { name: string }) => c.name)).toEqual(ALL_AT_1);
    const beta = res.json.data.find((c: { id: number }) => c.id === 2);
    expect(Object.keys(beta!).sort()).toEqual(
      [
        'asn',
        'id',
        'is_peer',
        'log_data',
        'name',
        'public_id',
        'qualification_reasons',
        'qualified',
        'request_status',
        'request_status_time',
      ].sort(),
    );
    expect(beta?.request_status_time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(beta?.log_data.map((e: { message: string }) => e.message)).toContain('Request sent');
  });

  it('answers 404 for an unknown exchange', async () => {
    expect(
      (await callRoute(listCommunicationsRoute, { token: viewer, params: { public_id: 999 } })).status,
    ).toBe(404);
  });
});

describe('is_peer', () => {
  it('is true once a session with the network at the exchange is configured', async () => {
    const now = new Date().toISOString();
    const routerId = crypto.randomUUID();
    await routersRepository.create({
      id: routerId,
      number: null,
      hostname: 'edge1.example.net',
      platform: 'bird2',
      asn: 64500,
      router_id: '192.0.2.254',
      mgmt_address: null,
      created: now,
      modified: now,
      version: 1,
      session_count: 0,
    });
    const session = {
      id: crypto.randomUUID(),
      number: null,
      version: 1,
      source_asn: 64500,
      source_ipaddr: '192.0.2.254',
      resource_id: routerId,
      resource_name: 'edge1.example.net',
      peer_asn: 64606,
      peer_name: 'Zeta Two Ports',
      peer_participant_id: 6,
      peer_ipaddr: '192.0.2.6',
      peer_hostname: null,
      peer_group: null,
      public_id: 1,
      public_name: 'Example IX One',
      ip_type: 'ipv4' as const,
      type: 'Peer',
      state: 'not configured' as const,
      prfx_max: 100,
      prfx_received: null,
      password_ciphertext: null,
      note: null,
      created: now,
      modified: now,
    };
    // Each followed by what the sessions' routes do once a session is stored.
    await sessionsRepository.create(session, []);
    await refreshPeersOfSessions([session]);
    expect(names(await peers({ is_peer: 'true' }))).toEqual([]);
    await sessionsRepository.create(
      { ...session, id: crypto.randomUUID(), peer_ipaddr: '192.0.2.66', state: 'configured' },
      [],
    );
    await refreshPeersOfSessions([session]);
    expect(names(await peers({ is_peer: 'true' }))).toEqual(['Zeta Two Ports']);
    const other = await callRoute(listPeersRoute, { token: viewer, params: { public_id: 2 } });
    expect(other.json.data.every((p: { is_peer: boolean }) => !p.is_peer)).toBe(true);
  });
});

describe('verdicts follow PeeringDB', () => {
  it('changes when a sync changes the network', async () => {
    expect(
      (await callRoute(getPeerRoute, { token: viewer, params: { public_id: 1, participant_id: 4 } })).json
        .qualified,
    ).toBe(false);
    await seed(NETS.map((n) => (n.id === 4 ? { ...n, policy_general: 'Open' } : n)));
    const res = await callRoute(getPeerRoute, { token: viewer, params: { public_id: 1, participant_id: 4 } });
    expect(res.json.qualified).toBe(true);
    expect(res.json.qualification_reasons).toEqual(['policy_general Open is allowed']);
  });
});

describe('our state in a list, read page by page in member order', () => {
  const notes = (id: number, text: string | null) =>
    callRoute(updatePeerRoute, {
      token: operator,
      params: { public_id: 1, participant_id: id },
      body: { notes_private: text ?? '' },
    });

  /** Every page of the plain list, `limit` peers at a time: id -> notes. */
  async function notesByPage(limit: number): Promise<Map<number, string | null>> {
    const seen = new Map<number, string | null>();
    let cursor: string | null = null;
    do {
      const res = await peers(cursor ? { limit, cursor } : { limit });
      expect(res.status).toBe(200);
      for (const p of res.json.data as { id: number; notes_private: string | null }[]) {
        seen.set(p.id, p.notes_private);
      }
      cursor = res.json.next_cursor;
    } while (cursor);
    return seen;
  }

  it('gives each page the state of its own peers, whatever the page size', async () => {
    for (const [id, text] of [
      [3, 'gamma'],
      [5, 'epsilon'],
      [6, 'zeta'],
    ] as const) {
      expect((await notes(id, text)).status).toBe(200);
    }
    const whole = await notesByPage(6);
    expect(whole.get(3)).toBe('gamma');
    expect(whole.get(5)).toBe('epsilon');
    expect(whole.get(6)).toBe('zeta');
    for (const limit of [1, 2, 4]) expect(await notesByPage(limit)).toEqual(whole);
  });

  it("keeps a peer's state in its place when PeeringDB renames the network", async () => {
    expect((await notes(4, 'delta')).status).toBe(200);
    // Renamed to sort first: its member item and our state of it both move to the front.
    await seed(NETS.map((n) => (n.id === 4 ? { ...n, name: 'Aardvark Delta' } : n)));
    try {
      const first = await peers({ limit: 1 });
      expect(
        first.json.data.map((p: { id: number; notes_private: string | null }) => [p.id, p.notes_private]),
      ).toEqual([[4, 'delta']]);
      const paged = await notesByPage(2);
      expect(paged.get(4)).toBe('delta');
      expect(paged.get(3)).toBe('gamma');
      expect(await notesByPage(6)).toEqual(paged);
    } finally {
      await seed();
    }
    expect((await notesByPage(1)).get(4)).toBe('delta');
  });

  it('reads on past the state of networks that are no longer members', async () => {
    // State left at exchange 1 by a network that is not (or no longer) there, sorting before everyone.
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [requestStatusItem({ publicId: 1, participantId: 7, name: 'Aaa Gone' }, 'sent')],
      }),
    );
    expect((await notes(1, 'alpha')).status).toBe(200);
    const first = await peers({ limit: 1 });
    expect(
      first.json.data.map((p: { id: number; notes_private: string | null }) => [p.id, p.notes_private]),
    ).toEqual([[1, 'alpha']]);
    expect((await notesByPage(1)).get(1)).toBe('alpha');
    expect((await notes(1, null)).status).toBe(200);
  });

  it('reads the state of a page with one Query, so a bigger page makes no more requests', async () => {
    const small = await requestsForPage(2);
    expect(small).toBeGreaterThan(0);
    expect(await requestsForPage(6)).toBe(small);
  });
});

describe('route servers', () => {
  it("are marked and disqualified: typed Route Server in PeeringDB, or the exchange's route-server ASN", async () => {
    const res = await callRoute(listPeersRoute, { token: viewer, params: { public_id: 2 } });
    expect(res.status).toBe(200);
    const byName = new Map(res.json.data.map((p) => [p.name, p]));
    expect(byName.get('Alpha Transit')).toMatchObject({ is_route_server: false, qualified: true });
    expect(byName.get('Theta Route Servers')).toMatchObject({
      is_route_server: true,
      qualified: false,
      qualification_reasons: ['route server (info_type Route Server)', 'policy_general Open is allowed'],
    });
    expect(byName.get('Iota Exchange Services')).toMatchObject({
      is_route_server: true,
      qualified: false,
      qualification_reasons: [
        "route server (AS64609 is the exchange's route-server ASN)",
        'policy_general Open is allowed',
      ],
    });
    const one = await callRoute(getPeerRoute, { token: viewer, params: { public_id: 2, participant_id: 9 } });
    expect(one.json).toMatchObject({ is_route_server: true, qualified: false });
    const bilateral = await callRoute(listPeersRoute, {
      token: viewer,
      params: { public_id: 2 },
      query: { is_route_server: 'false' },
    });
    expect(names(bilateral)).toEqual(['Alpha Transit', 'Eta Elsewhere']);
  });

  it('qualify again by their other rules when exclude_route_servers is off', async () => {
    const admin = (await userWithRole('admin')).token;
    const rule = (exclude_route_servers: boolean) =>
      callRoute(patchSettingsRoute, { token: admin, body: { qualification: { exclude_route_servers } } });
    expect((await rule(false)).status).toBe(200);
    try {
      const theta = await callRoute(getPeerRoute, {
        token: viewer,
        params: { public_id: 2, participant_id: 8 },
      });
      expect(theta.json).toMatchObject({
        is_route_server: true,
        qualified: true,
        qualification_reasons: ['policy_general Open is allowed'],
      });
    } finally {
      expect((await rule(true)).json.qualification.exclude_route_servers).toBe(true);
    }
  });
});

describe('verdicts follow the settings', () => {
  it('change with the qualification rules, and our own network is never listed', async () => {
    const admin = (await userWithRole('admin')).token;
    const put = await callRoute(putSettingsRoute, {
      token: admin,
      body: {
        source_asn: 64601,
        source_participant_id: 1,
        qualification: { allowed_policies: ['Open', 'Selective', 'Restrictive', 'No'], min_prefixes4: 50 },
      },
    });
    expect(put.status).toBe(200);
    const res = await peers();
    expect(names(res)).not.toContain('Alpha Transit');
    expect(names(await peers({ limit: 2 }))).toEqual(['beta Content', 'Delta Closed']);
    const gamma = res.json.data.find((p: { id: number }) => p.id === 3);
    expect(gamma).toMatchObject({
      qualified: true,
      qualification_reasons: ['info_prefixes4 100 meets minimum 50', 'policy_general Restrictive is allowed'],
    });
    expect(names(await peers({ qualified: 'false' }))).toEqual(['beta Content', 'Epsilon Eyeballs']);
    const own = await callRoute(getPeerRoute, { token: viewer, params: { public_id: 1, participant_id: 1 } });
    expect(own.status).toBe(404);
    expect(own.error?.message).toBe('Network 1 (Alpha Transit) is our own network, not a peer');
  });
});
