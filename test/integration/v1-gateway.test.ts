import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/platform/logger';
import { auditRoute } from '../../shared/system/routes';
import { getSettings, putSettings } from '../../shared/settings/settings';
import { call, tableSnapshot, userWithRole, callRoute } from '../support/api';
import { listCommunicationsRoute, listPeersRoute } from '../../shared/peers/routes';
import { createRouterRoute, getRouterRoute } from '../../shared/routers/routes';
import { listRequestsRoute } from '../../shared/requests/routes';
import {
  addSessionRoute,
  getSessionRoute,
  listConfigRevisionsRoute,
  listSessionsRoute,
} from '../../shared/sessions/routes';
import { v1GetRoute } from '../../shared/v1/routes';
import { capturedMail } from '../support/mail';
import { ASHBURN, ashburnPort, syncObjects } from '../support/peeringdb';

/**
 * The seed's example calls, replayed against data that gives the seed's ids their meaning:
 * exchange 1 is Equinix Ashburn; networks 262 (1&1 Internet), 2 (Akamai) and 1418 (Amazon) are on
 * it, and so is our own network 2335 (AS8038).
 */
const V1 = '/api/v1/api.php?target=peering';

async function seed() {
  await syncObjects({
    ...ASHBURN,
    net: [
      { id: 262, asn: 8560, name: '1&1 Internet', info_prefixes4: 150, policy_general: 'Open' },
      { id: 2, asn: 20940, name: 'Akamai Technologies', info_prefixes4: 20, policy_general: 'Open' },
      { id: 1418, asn: 16509, name: 'Amazon.com', info_prefixes4: 200, policy_general: 'Selective' },
      { id: 2335, asn: 8038, name: '6connect, Inc.', info_prefixes4: 10, policy_general: 'Open' },
      {
        id: 14,
        asn: 3257,
        name: 'GTT Communications (AS3257)',
        info_prefixes4: 9000,
        policy_general: 'Open',
      },
      {
        id: 947,
        asn: 6695,
        name: 'DE-CIX Frankfurt Route Servers',
        info_type: 'Route Server',
        info_types: ['Route Server'],
        policy_general: 'Open',
      },
    ],
    netixlan: [
      ashburnPort(10, 262, 8560, '206.126.236.200'),
      ashburnPort(11, 2, 20940, '206.126.236.102'),
      ashburnPort(12, 1418, 16509, '206.126.236.68'),
      ashburnPort(13, 2335, 8038, '206.126.236.35'),
      ashburnPort(14, 14, 3257, '206.126.236.57'),
      ashburnPort(15, 947, 6695, '206.126.236.95'),
    ],
    poc: [
      { id: 1, net_id: 1418, role: 'Policy', name: 'Amazon Peering', email: 'peering@amazon.example' },
      { id: 2, net_id: 262, role: 'Technical', name: '1&1 NOC', email: 'noc@oneandone.example' },
      { id: 3, net_id: 14, role: 'Policy', name: 'GTT Peering', email: 'peering@gtt.example' },
    ],
  });
  await putSettings(SETTINGS, { email: 'setup@sixconnect.example' });
}

const SETTINGS = {
  source_asn: 8038,
  source_participant_id: 2335,
  company_name: '6connect, Inc.',
  email_from: 'ops@sixconnect.example',
  // Mail goes out back to back here; the default of one per second is tested elsewhere.
  send_rate_per_second: 100,
};

let operator: { token: string; user: { id: string; name: string } };
let operatorName: string;
let viewer: { token: string };
let admin: { token: string };
let routerId: string;
let routerNumber: number;

beforeAll(async () => {
  await seed();
  [operator, viewer, admin] = await Promise.all([
    userWithRole('operator'),
    userWithRole('viewer'),
    userWithRole('admin'),
  ]);
  operatorName = operator.user.name;
  const router = await callRoute(createRouterRoute, {
    token: operator.token,
    body: { hostname: 'ar1.inoc.example', platform: 'cisco-ios', asn: 8038, router_id: '206.126.236.35' },
  });
  expect(router.status).toBe(201);
  routerId = router.json.id;
  routerNumber = router.json.number!;
});

function v1(query: string, opts: { token?: string; form?: Record<string, string>; method?: string } = {}) {
  const token = opts.token ?? operator.token;
  if (opts.form) {
    return call(opts.method ?? 'POST', `${V1}&${query}`, {
      token,
      rawBody: new URLSearchParams(opts.form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  return call(opts.method ?? 'GET', `${V1}&${query}`, { token });
}

describe('read actions', () => {
  it('getPeers answers the seed envelope with string ids and ASNs, boolean qualified and 0/1 is_peer', async () => {
    const res = await v1('action=getPeers&public_id=1');
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(1);
    expect(res.json.message).toBe('5 peers found.');
    const oneAndOne = res.json.data.find((p: { id: string }) => p.id === '262');
    expect(oneAndOne).toMatchObject({
      id: '262',
      public_id: '1',
      asn: '8560',
      name: '1&1 Internet',
      qualified: true,
      is_peer: 0,
      request_status: null,
      info_prefixes: '150',
      public_ips: [],
      contacts: [],
      log_data: [],
    });
    // Our own network is never a peer of ours.
    expect(res.json.data.map((p: { id: string }) => p.id)).not.toContain('2335');

    const v2 = await callRoute(listPeersRoute, { token: operator.token, params: { public_id: 1 } });
    expect(v2.json.data.map((p: { id: number }) => String(p.id))).toEqual(
      res.json.data.map((p: { id: string }) => p.id),
    );
    expect(v2.json.data.map((p: { qualified: boolean }) => p.qualified)).toEqual(
      res.json.data.map((p: { qualified: boolean }) => p.qualified),
    );
  });

  it('getPeers embeds what the include flags ask for and applies the seed filters', async () => {
    const res = await v1(
      'action=getPeers&public_id=1&asn=16509&include_public_ips=TRUE&include_contacts=TRUE',
    );
    expect(res.json.message).toBe('1 peer found.');
    expect(res.json.data[0].public_ips).toEqual([{ ipaddr4: '206.126.236.68', ipaddr6: null }]);
    expect(res.json.data[0].contacts[0]).toMatchObject({ role: 'Policy', email: 'peering@amazon.example' });
    const none = await v1('action=getPeers&public_id=1&name=nobody-by-this-name');
    expect(none.json).toEqual({ success: 1, message: 'No peers found.', data: [] });
  });

  it('getPeers marks route servers (is_route_server 1) and does not qualify them', async () => {
    const res = await v1('action=getPeers&public_id=1&asn=6695');
    expect(res.json.message).toBe('1 peer found.');
    expect(res.json.data[0]).toMatchObject({
      id: '947',
      qualified: false,
      is_route_server: 1,
      qualification_reasons: ['route server (info_type Route Server)', 'policy_general Open is allowed'],
    });
    const bilateral = await v1('action=getPeers&public_id=1&is_route_server=0');
    expect(bilateral.json.data.map((p: { id: string }) => p.id)).not.toContain('947');
    expect(bilateral.json.data.every((p: { is_route_server: number }) => p.is_route_server === 0)).toBe(true);
  });

  it('getCommunications lists every peer with status, qualification, is_peer and the log', async () => {
    const res = await v1('action=getCommunications&public_id=1');
    expect(res.json.success).toBe(1);
    expect(res.json.message).toBe('5 records found.');
    expect(res.json.data[0]).toEqual({
      name: '1&1 Internet',
      asn: '8560',
      request_status: null,
      qualified: true,
      is_peer: false,
      id: '262',
      log_data: [],
    });
  });

  it('getCommunications matches the v2 answer for the same exchange, row for row', async () => {
    const v1Rows = (await v1('action=getCommunications&public_id=1')).json.data;
    const v2Rows = (
      await callRoute(listCommunicationsRoute, { token: operator.token, params: { public_id: 1 } })
    ).json.data;
    expect(v1Rows).toEqual(
      v2Rows.map((c: Record<string, unknown>) => ({
        name: c.name,
        asn: String(c.asn),
        request_status:
          c.request_status === 'none' && c.request_status_time === null ? null : c.request_status,
        qualified: c.qualified,
        is_peer: c.is_peer,
        id: String(c.id),
        log_data: [],
      })),
    );
  });

  it('takes its parameters from a JSON body as well as a form', async () => {
    const res = await call('POST', `${V1}&action=getPeers`, {
      token: operator.token,
      body: { public_id: 1, asn: 20940, include_public_ips: true },
    });
    expect(res.json.message).toBe('1 peer found.');
    expect(res.json.data[0].public_ips).toEqual([{ ipaddr4: '206.126.236.102', ipaddr6: null }]);
  });

  it('getRequests says so when there is none', async () => {
    const res = await v1('action=getRequests&peer_participant_id=1');
    expect(res.json).toEqual({ success: 1, message: 'No request found.', data: [] });
  });
});

describe('sessions through v1', () => {
  it('adds, lists, updates, configures and deletes a session with the seed messages', async () => {
    const added = await v1('action=addSession', {
      form: {
        source_asn: '8038',
        source_ipaddr: '206.126.236.35',
        resource_id: routerId,
        peer_ipaddr: '206.126.236.68',
        peer_group: 'LAME-PEERS',
        public_id: '1',
        ip_type: 'ipv4',
        type: 'Peer',
        prfx_max: '200',
        password: 'ace12345',
        note: "I'm a fancy note.",
      },
    });
    expect(added.status).toBe(201);
    expect(added.json.message).toBe(
      'Session added: Amazon.com (AS8038/206.126.236.35) - (AS16509/206.126.236.68)',
    );
    expect(added.json.data).toMatchObject({
      source_asn: '8038',
      peer_asn: '16509',
      peer_name: 'Amazon.com',
      peer_participant_id: '1418',
      public_id: '1',
      prfx_max: '200',
      password: '1',
      state: 'not configured',
    });
    // The seed's ids are integers: the session's number, and its router's as resource_id.
    const id = added.json.data.id as string;
    expect(id).toMatch(/^[1-9]\d*$/);
    expect(added.json.data.resource_id).toBe(String(routerNumber));

    const listed = await v1('action=getSessions&public_id=1');
    expect(listed.json.message).toBe('1 sessions found.');
    const v2 = await callRoute(listSessionsRoute, { token: operator.token, query: { public_id: 1 } });
    expect(listed.json.data.map((s: { id: string }) => s.id)).toEqual(
      v2.json.data.map((s) => String(s.number)),
    );
    const uuid = v2.json.data[0]!.id;

    const updated = await v1(`action=updateSession&id=${id}&note=Adding+an+awesome+note.&peer_group=group+a`);
    expect(updated.json.message).toBe(
      'Session updated: Amazon.com (AS8038/206.126.236.35) - (AS16509/206.126.236.68)',
    );
    expect(updated.json.data).toMatchObject({ note: 'Adding an awesome note.', peer_group: 'group a' });

    const configured = await v1(`action=configureSession&session_id=${id}`);
    expect(configured.json.success).toBe(1);
    // The router has no management connection: rendered and kept, not delivered, so not configured.
    expect(configured.json.data.state).toBe('not configured');
    expect(configured.json.data.config).toContain('neighbor 206.126.236.68 remote-as 16509');

    const custom =
      'conf+t%0A%0Arouter+bgp+8038%0A%0Ano+neighbor+206.126.236.68%0A%0Aneighbor+206.126.236.68+remote-as+16509%0Aend%0Awrite';
    const written = await v1(`action=configureSession&session_id=${id}&username=&config=${custom}`);
    expect(written.json.success).toBe(1);
    expect(written.json.data.config).toBe(decodeURIComponent(custom.replace(/\+/g, ' ')));
    const revisions = await callRoute(listConfigRevisionsRoute, {
      token: operator.token,
      params: { id: uuid },
    });
    expect(revisions.json.data.map((r: { source: string }) => r.source)).toEqual(['custom', 'rendered']);
    const viewerWrites = await v1(`action=configureSession&session_id=${id}&config=end`, {
      token: viewer.token,
    });
    expect(viewerWrites.status).toBe(403);

    const peers = await v1('action=getPeers&public_id=1&asn=16509&include_log_data=1');
    // A session whose config reached no router does not make its network a peer.
    expect(peers.json.data[0].is_peer).toBe(0);
    expect(peers.json.data[0].log_data.map((e: { message: string }) => e.message)).toContainEqual(
      expect.stringMatching(/^Session added: Amazon\.com/),
    );

    const deleted = await v1(`action=deleteSession&id=${id}`);
    expect(deleted.json).toMatchObject({ success: 1, message: '1 sessions deleted.' });
    // What removes it from the router, in the router's platform; the revisions stay, the removal last.
    expect(deleted.json.data).toEqual([
      expect.objectContaining({
        // v1 names the router by its number, as resource_id does.
        router_id: String(routerNumber),
        platform: 'cisco-ios',
        kind: 'commands',
        session_ids: [id],
      }),
    ]);
    expect(deleted.json.data[0].config).toContain('router bgp 8038\n no neighbor 206.126.236.68\n');
    const kept = await callRoute(listConfigRevisionsRoute, { token: operator.token, params: { id: uuid } });
    expect(kept.status).toBe(200);
    expect(kept.json.data.map((r: { source: string }) => r.source)).toEqual([
      'removal',
      'custom',
      'rendered',
    ]);
    expect(kept.json.data[0]?.text).toBe(deleted.json.data[0].config);
    const again = await v1(`action=deleteSession&id=${id}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ success: 0, message: 'No sessions found to delete.' });
  });
});

describe('integer ids through v1', () => {
  const newRouter = async (hostname: string) => {
    const res = await callRoute(createRouterRoute, {
      token: operator.token,
      body: { hostname, platform: 'frr', asn: 8038, router_id: '206.126.236.35' },
    });
    expect(res.status).toBe(201);
    return res.json;
  };

  it('takes a session and router number, or the UUID a client kept, wherever v1 takes an id', async () => {
    const router = await newRouter(`numbered-${crypto.randomUUID().slice(0, 8)}.example`);
    const added = await v1('action=addSession', {
      form: { resource_id: String(router.number), peer_ipaddr: '206.126.236.102', note: 'numbered' },
    });
    expect(added.status).toBe(201);
    expect(added.json.data.resource_id).toBe(String(router.number));
    const number = added.json.data.id as string;
    expect(number).toMatch(/^[1-9]\d*$/);

    const byNumber = await v1(`action=getSessions&id=${number}`);
    expect(byNumber.json.data.map((s: { id: string }) => s.id)).toEqual([number]);
    const byRouter = await v1(`action=getSessions&resource_id=${router.number}`);
    expect(byRouter.json.data).toEqual(byNumber.json.data);
    const byRouterUuid = await v1(`action=getSessions&resource_id=${router.id}`);
    expect(byRouterUuid.json.data).toEqual(byNumber.json.data);

    const updated = await v1(`action=updateSession&id=${number}&note=renumbered`);
    expect(updated.status).toBe(200);
    expect(updated.json.data).toMatchObject({ id: number, note: 'renumbered' });
    const uuid = (
      await callRoute(listSessionsRoute, { token: operator.token, query: { resource_id: router.id } })
    ).json.data[0]!.id;
    const byUuid = await v1(`action=updateSession&id=${uuid}&note=by-uuid`);
    expect(byUuid.json.data).toMatchObject({ id: number, note: 'by-uuid' });
    const configured = await v1(`action=configureSession&session_id=${number}`);
    expect(configured.status).toBe(200);
    expect(configured.json.data).toMatchObject({ id: number, state: 'not configured' });
    // The peer's log names the session by its number too.
    const logged = await v1('action=getPeers&public_id=1&asn=20940&include_log_data=1');
    expect(logged.json.data[0].log_data).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/^Session added/), session_id: number }),
    );

    const deleted = await v1(`action=deleteSession&id=${number}`);
    expect(deleted.json).toMatchObject({ success: 1, message: '1 sessions deleted.' });
    expect(deleted.json.data).toEqual([expect.objectContaining({ session_ids: [number] })]);
    expect((await v1(`action=deleteSession&id=${number}`)).status).toBe(404);
    expect((await v1(`action=updateSession&id=${number}&note=gone`)).status).toBe(404);
  });

  it('answers 404 for a session number nobody has, and changes nothing', async () => {
    const before = await tableSnapshot();
    const unknown = '987654321';
    expect((await v1(`action=updateSession&id=${unknown}&note=x`)).json).toEqual({
      success: 0,
      message: `No session ${unknown}`,
    });
    const configure = await v1(`action=configureSession&session_id=${unknown}`);
    expect(configure.status).toBe(404);
    expect(configure.json.success).toBe(0);
    const deleted = await v1(`action=deleteSession&id=${unknown}`);
    expect(deleted.status).toBe(404);
    expect(deleted.json).toEqual({ success: 0, message: 'No sessions found to delete.' });
    // An unknown router number matches no session, and cannot carry a new one.
    expect((await v1(`action=deleteSession&resource_id=${unknown}`)).status).toBe(404);
    expect((await v1(`action=getSessions&resource_id=${unknown}`)).json).toEqual({
      success: 1,
      message: 'No sessions found.',
      data: [],
    });
    const add = await v1(`action=addSession&resource_id=${unknown}&peer_ipaddr=206.126.236.102`);
    expect(add.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('gives routers and sessions created at once distinct numbers, increasing, the same at every read', async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const routers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => newRouter(`par-${i}-${tag}.example`)),
    );
    const routerNumbers = routers.map((r) => r.number!);
    expect(routerNumbers.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
    expect(new Set(routerNumbers).size).toBe(20);

    // One session per router (each router's session count is its own), all at once, through v1.
    const sessions = await Promise.all(
      routers.map((r, i) =>
        v1('action=addSession', {
          form: {
            resource_id: String(r.number),
            peer_ipaddr: `206.126.237.${i + 1}`,
            peer_asn: String(64600 + i),
          },
        }),
      ),
    );
    expect(sessions.map((s) => s.status)).toEqual(Array(20).fill(201));
    const sessionNumbers = sessions.map((s) => Number(s.json.data.id));
    expect(new Set(sessionNumbers).size).toBe(20);
    expect(sessions.map((s) => s.json.data.resource_id)).toEqual(routerNumbers.map(String));

    // Read again, they are what they were; a later one is greater than all of them.
    const reread = await Promise.all(
      routers.map((r) => callRoute(getRouterRoute, { token: operator.token, params: { id: r.id } })),
    );
    expect(reread.map((r) => r.json.number)).toEqual(routerNumbers);
    const listed = await v1(`action=getSessions&peer_asn=64600`);
    expect(listed.json.data.map((s: { id: string }) => Number(s.id))).toEqual([sessionNumbers[0]]);
    const later = await newRouter(`later-${tag}.example`);
    expect(later.number).toBeGreaterThan(Math.max(...routerNumbers));

    for (const s of sessionNumbers) expect((await v1(`action=deleteSession&id=${s}`)).status).toBe(200);
  });
});

describe('peer status through v1', () => {
  it('resetPeerStatus answers "<peer> status reset" with the log entry', async () => {
    const res = await v1('action=resetPeerStatus&participant_id=262&public_id=1');
    expect(res.json.success).toBe(1);
    expect(res.json.message).toBe('1&1 Internet status reset');
    expect(res.json.data).toMatchObject({ id: '262', public_id: '1', request_status: 'none', is_peer: 0 });
    expect(res.json.data.log_data[0]).toMatchObject({ message: 'Peer status reset', public_id: '1' });
    expect(res.json.data.log_data[0].time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The list tells a reset peer (`none`) from one nothing happened with yet (null).
    const list = await v1('action=getPeers&public_id=1');
    const statuses = Object.fromEntries(
      list.json.data.map((p: { id: string; request_status: string | null }) => [p.id, p.request_status]),
    );
    expect(statuses['262']).toBe('none');
    expect(
      Object.entries(statuses)
        .filter(([id]) => id !== '262')
        .map(([, status]) => status),
    ).toContain(null);
    // getCommunications says the same.
    const comms = await v1('action=getCommunications&public_id=1');
    const commStatuses = Object.fromEntries(
      comms.json.data.map((c: { id: string; request_status: string | null }) => [c.id, c.request_status]),
    );
    expect(commStatuses).toEqual(statuses);
  });

  it('resetPeerStatus of an unknown peer answers the seed error', async () => {
    const res = await v1('action=resetPeerStatus&participant_id=999999&public_id=1');
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: 0, message: 'Could not find peer matching parameters' });
  });

  it('updatePeer stores private notes and an override', async () => {
    const res = await v1('action=updatePeer&participant_id=2&public_id=1', {
      form: { notes_private: 'met at the NANOG social', qualified: 'false', reason: 'Not now' },
    });
    expect(res.json.success).toBe(1);
    expect(res.json.data).toMatchObject({ notes_private: 'met at the NANOG social', qualified: false });
  });
});

describe('requests through v1', () => {
  it("refuses an operator's sendRequest or sendEmail to an address outside the peer's contacts, sending nothing", async () => {
    const before = await tableSnapshot();
    const mailsBefore = await capturedMail((e) => e.destination.to.includes('someone@elsewhere.example'));
    const request = await v1(
      'action=sendRequest&peer_participant_id=1418&public_id=1&email_to=someone%40elsewhere.example&force=1',
    );
    const email = await v1('action=sendEmail', {
      form: {
        participant_id: '1418',
        public_id: '1',
        email_to: 'peering@amazon.example,someone@elsewhere.example',
        subject: 'Hi',
        body: 'x',
      },
    });
    for (const res of [request, email]) {
      expect(res.status).toBe(403);
      expect(res.json.success).toBe(0);
      expect(res.json.message).toContain("only to the peer's PeeringDB contacts");
    }
    expect(await tableSnapshot()).toEqual(before);
    expect(await capturedMail((e) => e.destination.to.includes('someone@elsewhere.example'))).toEqual(
      mailsBefore,
    );
  });

  it('sendRequest sends the seed-style request through SES and getRequests finds it', async () => {
    const body =
      '\r\nPeering,\r\n\r\n6connect, Inc., 8038, would like to peer with Amazon.com at our common locations.\r\n';
    // The seed's client names its own recipient, not one of the peer's contacts: that needs an admin.
    const res = await v1(
      'action=sendRequest&peer_participant_id=1418&peer_asn=16509&peer_name=Amazon.com' +
        '&source_participant_id=2335&source_asn=8038&public_id=1&type=text&email_from=ops%40sixconnect.example' +
        `&email_to=operations%40amazon.example&cc=&bcc=&subject=Peering+request+from+6connect%2C+Inc.&body=${encodeURIComponent(body)}`,
      { token: admin.token },
    );
    expect(res.status).toBe(201);
    expect(res.json.success).toBe(1);
    expect(res.json.message).toBe('Request sent');
    expect(res.json.data).toMatchObject({ id: '1418', public_id: '1', request_status: 'sent' });
    expect(res.json.data.log_data[0].message).toBe(
      "Request sent to operations@amazon.example (operations@amazon.example outside the peer's contacts, sent by an admin)",
    );

    // The local SES is shared by every test file of the run: look only at mail for this recipient.
    const mine = await capturedMail((e) => e.destination.to.includes('operations@amazon.example'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toBe('Peering request from 6connect, Inc.');

    const listed = await v1('action=getRequests&peer_participant_id=1418');
    expect(listed.json.message).toBe('1 request found.');
    expect(listed.json.data[0]).toMatchObject({
      public_id: '1',
      source_participant_id: '2335',
      source_asn: '8038',
      peer_participant_id: '1418',
      peer_asn: '16509',
      peer_name: 'Amazon.com',
      email_type: 'text',
      email_from: 'ops@sixconnect.example',
      email_to: 'operations@amazon.example',
      subject: 'Peering request from 6connect, Inc.',
      body,
      status: 'sent',
    });
    // The request's id is its number, as v2 shows it beside the UUID.
    const v2Requests = await callRoute(listRequestsRoute, {
      token: operator.token,
      query: { peer_participant_id: 1418 },
    });
    expect(listed.json.data[0].id).toMatch(/^[1-9]\d*$/);
    expect(listed.json.data[0].id).toBe(String(v2Requests.json.data[0]!.number));
    expect(res.json.data.log_data[0].request_id).toBe(listed.json.data[0].id);
    expect(listed.json.data[0].created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    const resend = await v1('action=sendRequest&peer_participant_id=1418&public_id=1');
    expect(resend.status).toBe(409);
    expect(resend.json.success).toBe(0);
  });

  it("sendRequest from the template names the peer's AS once and signs with the sender and the company", async () => {
    const res = await v1('action=sendRequest&peer_participant_id=14&public_id=1');
    expect(res.status).toBe(201);
    const mine = await capturedMail((e) => e.destination.to.includes('peering@gtt.example'));
    expect(mine).toHaveLength(1);
    const text = mine[0]!.body.text ?? '';
    expect(text).toContain('6connect, Inc. (AS8038) would like to peer with GTT Communications (AS3257) at');
    expect(text).not.toContain('(AS3257) (AS3257)');
    expect(text).toContain(`Best regards,\n${operatorName}, 6connect, Inc.\n`);
  });

  it('sendRequest to a peer our rules disqualify is refused with the reasons, sending and storing nothing, unless forced', async () => {
    const oneAndOne = (e: { destination: { to: string[] } }) =>
      e.destination.to.includes('noc@oneandone.example');
    await putSettings(
      { ...SETTINGS, qualification: { ...(await getSettings()).qualification, excluded_asns: [8560] } },
      { email: 'setup@sixconnect.example' },
    );
    try {
      const before = await tableSnapshot();
      const mailsBefore = await capturedMail(oneAndOne);
      const refused = await v1('action=sendRequest&peer_participant_id=262&public_id=1');
      expect(refused.status).toBe(409);
      expect(refused.json.success).toBe(0);
      expect(refused.json.message).toContain('1&1 Internet (AS8560) does not qualify');
      expect(refused.json.message).toContain('AS8560 is excluded');
      expect(refused.json.message).toContain('force');
      expect(await tableSnapshot()).toEqual(before);
      expect(await capturedMail(oneAndOne)).toEqual(mailsBefore);

      // The seed's clients pass BOOLs as 1.
      const forced = await v1('action=sendRequest&peer_participant_id=262&public_id=1&force=1');
      expect(forced.status).toBe(201);
      expect(forced.json).toMatchObject({ success: 1, message: 'Request sent' });
      expect(forced.json.data).toMatchObject({
        id: '262',
        request_status: 'sent',
        qualification: {
          qualified: false,
          reasons: expect.arrayContaining(['AS8560 is excluded']),
        },
        // 1&1 has a Technical contact only.
        recipient_role: 'Technical',
        recipient_note: expect.stringContaining('no Policy contact'),
      });
      expect(await capturedMail(oneAndOne)).toHaveLength(mailsBefore.length + 1);
    } finally {
      await putSettings(SETTINGS, { email: 'setup@sixconnect.example' });
    }
  });

  it("sendEmail mails the peer's contact and logs it", async () => {
    const res = await v1('action=sendEmail', {
      form: {
        participant_id: '1418',
        public_id: '1',
        subject: 'Session is up',
        body: 'Thanks, we see your routes.',
      },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ success: 1, message: 'Email sent', data: { id: '1418' } });
  });
});

describe('refusals', () => {
  it('answers success 0 with a clear message for a missing or mistyped parameter, changing nothing', async () => {
    const before = await tableSnapshot();
    const missing = await v1('action=resetPeerStatus&public_id=1');
    expect(missing.status).toBe(422);
    expect(missing.json).toEqual({ success: 0, message: 'Missing required parameter: participant_id' });
    const mistyped = await v1('action=getPeers&public_id=abc');
    expect(mistyped.status).toBe(422);
    expect(mistyped.json.success).toBe(0);
    const badIp = await v1('action=addSession', {
      form: { resource_id: routerId, peer_ipaddr: '999.1.1.1' },
    });
    expect(badIp.status).toBe(422);
    expect(badIp.json.success).toBe(0);
    expect(badIp.json.message).toContain('peer_ipaddr');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('names the unknown target or action', async () => {
    const target = await callRoute(v1GetRoute, {
      token: operator.token,
      query: { target: 'ipam', action: 'getPeers' },
    });
    expect(target.status).toBe(400);
    expect(target.json.message).toContain('target=peering');
    const action = await v1('action=getEverything');
    expect(action.status).toBe(400);
    expect(action.json.message).toContain('Unknown action "getEverything"');
  });

  it('lets a viewer read but not change anything', async () => {
    const before = await tableSnapshot();
    const read = await v1('action=getPeers&public_id=1', { token: viewer.token });
    expect(read.json.success).toBe(1);
    for (const query of [
      'action=resetPeerStatus&participant_id=262&public_id=1',
      `action=addSession&resource_id=${routerId}&peer_ipaddr=206.126.236.102`,
      'action=deleteSession&peer_asn=20940',
      'action=updatePeer&participant_id=262&public_id=1&notes_private=x',
      'action=sendRequest&peer_participant_id=1418&public_id=1',
    ]) {
      const res = await v1(query, { token: viewer.token });
      expect(res.status, query).toBe(403);
      expect(res.json.success, query).toBe(0);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('needs a token like every other route', async () => {
    const res = await call('GET', `${V1}&action=getPeers&public_id=1`);
    expect(res.status).toBe(401);
  });
});

describe('one value per parameter', () => {
  /** A session of its own for each test, on the 1&1 port. */
  async function session(): Promise<string> {
    const res = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: routerId, peer_ipaddr: '206.126.236.200', note: crypto.randomUUID() },
    });
    expect(res.status).toBe(201);
    return res.json.id;
  }

  async function drop(id: string) {
    expect((await v1(`action=deleteSession&id=${id}`)).status).toBe(200);
  }

  it('never lets the body change the action: a read with a delete in its body deletes nothing', async () => {
    const id = await session();
    const before = await tableSnapshot();
    const res = await v1(`action=getSessions&id=${id}`, { form: { action: 'deleteSession', id } });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      success: 0,
      message: 'Parameter action is given in both the query string and the body, with different values',
    });
    const json = await call('POST', `${V1}&action=getSessions`, {
      token: operator.token,
      body: { action: 'deleteSession', id },
    });
    expect(json.status).toBe(422);
    expect(json.json.success).toBe(0);
    const target = await v1('action=getPeers&public_id=1', { form: { target: 'ipam' } });
    expect(target.status).toBe(422);
    expect((await callRoute(getSessionRoute, { token: operator.token, params: { id } })).status).toBe(200);
    expect(await tableSnapshot()).toEqual(before);
    // The same value in both places says one thing, and is taken.
    const same = await v1(`action=getSessions&id=${id}`, { form: { action: 'getSessions', id } });
    expect(same.status).toBe(200);
    const { number } = (await callRoute(getSessionRoute, { token: operator.token, params: { id } })).json;
    expect(same.json.data.map((s: { id: string }) => s.id)).toEqual([String(number)]);
    await drop(id);
  });

  it('takes target and action from a form or JSON body alone, as seed clients posting everything send them', async () => {
    const id = await session();
    const form = await call('POST', '/api/v1/api.php', {
      token: operator.token,
      rawBody: new URLSearchParams({ target: 'peering', action: 'getSessions', id }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status, JSON.stringify(form.json)).toBe(200);
    const { number } = (await callRoute(getSessionRoute, { token: operator.token, params: { id } })).json;
    expect(form.json.data.map((s: { id: string }) => s.id)).toEqual([String(number)]);
    const correlationId = `v1-body-delete-${crypto.randomUUID()}`;
    const deleted = await call('POST', '/api/v1/api.php?target=peering', {
      token: operator.token,
      body: { action: 'deleteSession', id },
      headers: { 'x-correlation-id': correlationId },
    });
    expect(deleted.json).toMatchObject({ success: 1, message: '1 sessions deleted.' });
    expect((await callRoute(getSessionRoute, { token: operator.token, params: { id } })).status).toBe(404);
    // Audited like a delete named in the query string.
    const audit = await callRoute(auditRoute, {
      token: admin.token,
      query: { user_id: operator.user.id, limit: 1000 },
    });
    expect(audit.json.data.filter((e) => e.correlation_id === correlationId)).toEqual([
      expect.objectContaining({ operation: 'deleteSessions', result: '1 deleted', ids: [id] }),
    ]);
  });

  it('refuses a parameter given in the query string and the body with different values', async () => {
    const id = await session();
    const before = await tableSnapshot();
    const res = await v1(`action=deleteSession&id=${id}`, { form: { id: crypto.randomUUID() } });
    expect(res.status).toBe(422);
    expect(res.json).toEqual({
      success: 0,
      message: 'Parameter id is given in both the query string and the body, with different values',
    });
    const json = await call('POST', `${V1}&action=getPeers&public_id=1`, {
      token: operator.token,
      body: { public_id: 2 },
    });
    expect(json.status).toBe(422);
    expect(json.json.success).toBe(0);
    expect(await tableSnapshot()).toEqual(before);
    await drop(id);
  });

  it('refuses a parameter repeated in the query string, a form body or a JSON body', async () => {
    const id = await session();
    const before = await tableSnapshot();
    const inQuery = await v1(`action=deleteSession&id=${id}&id=${crypto.randomUUID()}`);
    expect(inQuery.status).toBe(422);
    expect(inQuery.json).toEqual({
      success: 0,
      message: 'Parameter id is given more than once in the query string',
    });
    const actionTwice = await v1(`action=getSessions&action=deleteSession&id=${id}`);
    expect(actionTwice.status).toBe(422);
    const inForm = await call('POST', `${V1}&action=deleteSession`, {
      token: operator.token,
      rawBody: `id=${id}&id=${crypto.randomUUID()}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(inForm.status).toBe(422);
    expect(inForm.json).toEqual({ success: 0, message: 'Parameter id is given more than once in the body' });
    const inJson = await call('POST', `${V1}&action=deleteSession`, {
      token: operator.token,
      // The second name is "id" too, spelt with an escape.
      rawBody: `{"id": "${crypto.randomUUID()}", "i\\u0064": "${id}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(inJson.status).toBe(422);
    expect(inJson.json).toEqual({ success: 0, message: 'Parameter id is given more than once in the body' });
    expect(await tableSnapshot()).toEqual(before);
    await drop(id);
  });
});

describe('the audit of v1 calls', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The operator's audit entries written for one call, found by its correlation id. */
  async function entriesOf(correlationId: string) {
    const res = await callRoute(auditRoute, {
      token: admin.token,
      query: { user_id: operator.user.id, limit: 1000 },
    });
    expect(res.status).toBe(200);
    return res.json.data.filter((e) => e.correlation_id === correlationId);
  }

  function traced(query: string, correlationId: string) {
    return call('GET', `${V1}&${query}`, {
      token: operator.token,
      headers: { 'x-correlation-id': correlationId },
    });
  }

  it('writes nothing for a refused delete, and logs it as a refusal with the status the client got', async () => {
    const records: unknown[] = [];
    const info = logger.info.bind(logger) as (...args: unknown[]) => void;
    vi.spyOn(logger, 'info').mockImplementation((...args: unknown[]) => {
      if (args[0] === 'audit record') records.push(args[1]);
      info(...args);
    });
    const before = await tableSnapshot();
    const correlationId = `v1-refused-${crypto.randomUUID()}`;
    const res = await traced(`action=deleteSession&id=${crypto.randomUUID()}`, correlationId);
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ success: 0, message: 'No sessions found to delete.' });
    expect(await tableSnapshot()).toEqual(before);
    expect(await entriesOf(correlationId)).toEqual([]);
    expect(records).toEqual([
      {
        audit: expect.objectContaining({
          result: 'refused',
          status: 404,
          user_id: operator.user.id,
          operation: 'deleteSessions',
          correlation_id: correlationId,
        }),
      },
    ]);
  });

  it('writes one entry for a delete that removed a session: the status the client got, and the id', async () => {
    const added = await callRoute(addSessionRoute, {
      token: operator.token,
      body: { resource_id: routerId, peer_ipaddr: '206.126.236.200', note: 'audited' },
    });
    expect(added.status).toBe(201);
    const id = added.json.id;
    const correlationId = `v1-delete-${crypto.randomUUID()}`;
    const res = await traced(`action=deleteSession&id=${id}`, correlationId);
    expect(res.json).toMatchObject({ success: 1, message: '1 sessions deleted.' });
    expect(await entriesOf(correlationId)).toEqual([
      expect.objectContaining({
        operation: 'deleteSessions',
        method: 'GET',
        path: '/api/v1/api.php',
        target: 'sessions',
        result: '1 deleted',
        status: 200,
        ids: [id],
      }),
    ]);
  });

  it('writes no entry for a refused add, whose v2 call was refused too', async () => {
    const before = await tableSnapshot();
    const res = await traced(`action=addSession&resource_id=${routerId}&peer_ipaddr=999.1.1.1`, 'v1-bad-add');
    expect(res.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('answers with the status of the v1 call in the entry of an add (201)', async () => {
    const correlationId = `v1-add-${crypto.randomUUID()}`;
    const res = await traced(
      `action=addSession&resource_id=${routerId}&peer_ipaddr=206.126.236.200`,
      correlationId,
    );
    expect(res.status).toBe(201);
    const id = res.json.data.id as string;
    const [added] = (
      await callRoute(listSessionsRoute, {
        token: operator.token,
        query: { resource_id: routerId, peer_ipaddr: '206.126.236.200' },
      })
    ).json.data;
    expect(String(added!.number)).toBe(id);
    expect(await entriesOf(correlationId)).toEqual([
      expect.objectContaining({ operation: 'addSession', target: `sessions/${added!.id}`, status: 201 }),
    ]);
    expect((await v1(`action=deleteSession&id=${id}`)).status).toBe(200);
  });
});
