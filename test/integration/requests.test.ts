import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SESClient } from '@aws-sdk/client-ses';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putSettings } from '../../shared/settings/settings';
import { peerStateRepository } from '../../shared/peers/peer-state-store';
import { requestsRepository } from '../../shared/requests/requests-store';
import { call, tableSnapshot, userWithRole, callRoute, type RouteQuery } from '../support/api';
import {
  getRequestRoute,
  listRequestsRoute,
  retryRequestRoute,
  SentRequestSchema,
  sendRequestRoute,
  updateRequestRoute,
} from '../../shared/requests/routes';
import { putNetworkContactsRoute } from '../../shared/exchanges/networks-routes';
import { auditRoute } from '../../shared/system/routes';
import type * as z from '../../shared/platform/zod';
import { capturedMail } from '../support/mail';
import { createUser, login } from '../../shared/users/users';
import { baselineApi, hasFixtures, syncFixtures } from '../support/peeringdb';

/**
 * Peering requests against real PeeringDB records: we are Quickline AG (net 186, AS15600), present
 * at exchanges 29, 31 and 60; the peers are real networks there with their real contacts.
 */
const US = 186;
const MICROSOFT = 694; // Policy contact; at 29, 31 and 60 with us
const TELEKOM_MALAYSIA = 236; // Policy contact; at 31
const VERIZON = 341; // Policy contact; at 29
const HURRICANE = 291; // Technical and NOC contacts only
const BIT = 268; // Technical contact only; at 31
const GTT = 14; // NOC contact only; at 31
const GLOBALCONNECT = 709; // NOC contact only; at 31
const FREE_PRO = 731; // Technical contact; at 29

/** The reason the default rules (policies Open and Selective) give for Verizon and GTT. */
const RESTRICTIVE = 'policy_general Restrictive is not allowed (allowed: Open, Selective)';

const FROM = `peering-${Math.random().toString(36).slice(2, 8)}@quickline.example`;
const SETTINGS = {
  source_asn: 15600,
  source_participant_id: US,
  company_name: 'Quickline AG',
  irr_as_set: 'AS-FINECOM',
  email_from: FROM,
  email_reply_to: 'noc@quickline.example',
  email_cc: ['peering-archive@quickline.example'],
  email_bcc: ['audit@quickline.example'],
  resend_window_days: 14,
  send_rate_per_second: 100,
};

const captured = () => capturedMail((mail) => mail.from === FROM);

function fixtureRows(type: string): Record<string, unknown>[] {
  return [1, 2].flatMap(
    (page) =>
      JSON.parse(readFileSync(path.join(baselineApi, type, `page-${page}.json`), 'utf8')).data as Record<
        string,
        unknown
      >[],
  );
}

/** Networks at exchange 31 (as we are) without any PeeringDB contact, each once. */
function silentPeers(): number[] {
  const contacts = new Set(fixtureRows('poc').map((p) => p.net_id));
  const nets = new Set(fixtureRows('net').map((n) => n.id));
  const ids = fixtureRows('netixlan')
    .filter((r) => r.ix_id === 31 && nets.has(r.net_id) && !contacts.has(r.net_id) && r.net_id !== US)
    .map((r) => r.net_id as number);
  return [...new Set(ids)];
}

/** sendRequest answers a sent request or a dry run: the tests that send for real read the former. */
type SentRequest = z.output<typeof SentRequestSchema>;

let operator: Awaited<ReturnType<typeof userWithRole>>;
let viewer: Awaited<ReturnType<typeof userWithRole>>;
let admin: Awaited<ReturnType<typeof userWithRole>>;

/** Stores an address for a peer PeeringDB lists no contact for, as a coordinator would. */
async function storeContact(participantId: number, email: string) {
  const res = await callRoute(putNetworkContactsRoute, {
    token: operator.token,
    params: { participant_id: participantId },
    body: { contacts: [{ email }] },
  });
  expect(res.status).toBe(200);
}

describe.skipIf(!hasFixtures)('peering requests to real PeeringDB networks', () => {
  beforeAll(async () => {
    await syncFixtures();
    await putSettings(SETTINGS, { email: 'setup@quickline.example' });
    operator = await userWithRole('operator');
    viewer = await userWithRole('viewer');
    admin = await userWithRole('admin');
  }, 60_000);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("emails the peer's policy contact at every common exchange, listing both sides' addresses", async () => {
    const res = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: MICROSOFT },
    });
    expect(res.status).toBe(201);
    const request = res.json as SentRequest;
    expect(request).toMatchObject({
      status: 'sent',
      public_ids: [29, 31, 60],
      source_asn: 15600,
      source_participant_id: US,
      peer_participant_id: MICROSOFT,
      peer_asn: 8075,
      peer_name: 'Microsoft',
      email_from: FROM,
      email_to: 'peering@microsoft.com',
      cc: ['peering-archive@quickline.example'],
      bcc: ['audit@quickline.example'],
      email_type: 'html',
      error: null,
      user: operator.email,
    });
    expect(request.ses_message_id).toEqual(expect.any(String));

    const mail = (await captured()).find((m) => m.messageId === request.ses_message_id);
    expect(mail).toBeDefined();
    expect(mail?.replyTo).toEqual(['noc@quickline.example']);
    expect(mail?.destination).toEqual({
      to: ['peering@microsoft.com'],
      cc: ['peering-archive@quickline.example'],
      bcc: ['audit@quickline.example'],
    });
    expect(mail?.subject).toBe('Peering request from Quickline AG (AS15600)');
    const text = mail?.body.text ?? '';
    const rows = fixtureRows('netixlan').filter(
      (r) => (r.net_id === US || r.net_id === MICROSOFT) && [29, 31, 60].includes(r.ix_id as number),
    );
    expect(rows.length).toBe(6);
    for (const row of rows) {
      expect(text).toContain(String(row.ipaddr4));
      expect(text).toContain(String(row.ipaddr6));
      expect(mail?.body.html).toContain(String(row.ipaddr4));
    }
    expect(text).toContain('AS-FINECOM');
    expect(text).toContain('https://www.peeringdb.com/net/186');
    expect(text).toContain(`Suggested max-prefix for our sessions: 300 (IPv4)`);
    expect(text).toContain(operator.user.name);
    expect(text).toBe(request.body);

    for (const publicId of [29, 31, 60]) {
      const { state, log } = await peerStateRepository.readPeer(publicId, MICROSOFT);
      expect(state.request_status).toBe('sent');
      expect(log[0]).toMatchObject({
        message: 'Request sent to peering@microsoft.com',
        request_id: request.id,
        user: operator.email,
      });
    }
    expect(request).toMatchObject({
      qualification: { qualified: true, reasons: expect.any(Array) },
      recipient_role: 'Policy',
      recipient_note: null,
    });
    expect(request.qualification.exchanges.map((x) => x.public_id)).toEqual([29, 31, 60]);
    // The verdict and the recipient's role belong to the answer; the request is stored as sent.
    const { qualification: _q, recipient_role: _r, recipient_note: _n, ...asStored } = request;
    const stored = await callRoute(getRequestRoute, { token: viewer.token, params: { id: request.id } });
    expect(stored.json).toEqual(asStored);
  });

  it('falls back to the technical contact, then to NOC, and the answer says which and why', async () => {
    const technical = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: BIT },
    });
    expect(technical.status).toBe(201);
    expect(technical.json.email_to).toBe('noc@bit.nl');
    expect(technical.json.public_ids).toEqual([31]);
    expect(technical.json.recipient_role).toBe('Technical');
    expect(technical.json.recipient_note).toContain('no Policy contact');
    expect(technical.json.recipient_note).toContain('the Technical contact');
    const noc = await callRoute(sendRequestRoute, {
      token: operator.token,
      // Forced: GTT's Restrictive policy disqualifies it, which is not what this test is about.
      body: { peer_participant_id: GTT, force: true },
    });
    expect(noc.status).toBe(201);
    expect(noc.json.email_to).toBe('noc@gtt.net');
    expect(noc.json.recipient_role).toBe('NOC');
    expect(noc.json.recipient_note).toContain('the NOC contact');
  });

  it("names a peer whose PeeringDB name holds its AS once, and signs with the sender's name and our company", async () => {
    const res = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: GTT, dry_run: true, force: true },
    });
    expect(res.status).toBe(200);
    expect(res.json.subject).toBe('Peering request from Quickline AG (AS15600)');
    expect(res.json.body).toContain(
      'Quickline AG (AS15600) would like to peer with GTT Communications (AS3257) at our common exchanges:',
    );
    expect(res.json.body).toContain('  GTT Communications (AS3257): ');
    expect(res.json.body).not.toContain('(AS3257) (AS3257)');
    expect(res.json.body).not.toContain('AS3257) AS3257');
    expect(res.json.body).toContain(`Best regards,\n${operator.user.name}, Quickline AG\n${FROM}\n`);
    expect(res.json.html_body).toContain(`Best regards,<br>${operator.user.name}, Quickline AG<br>`);
    expect(res.json.html_body).not.toContain('(AS3257) (AS3257)');

    // The bootstrap admin's name is a role, not a person: the company signs alone.
    const email = `bootstrap-${crypto.randomUUID().slice(0, 8)}@quickline.example`;
    await createUser({ email, password: 'a bootstrap password', name: 'Administrator', role: 'admin' });
    const { token } = await login(email, 'a bootstrap password');
    const byAdmin = await callRoute(sendRequestRoute, {
      token,
      body: { peer_participant_id: GTT, dry_run: true, force: true },
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json.body).toContain(`Best regards,\nQuickline AG\n${FROM}\n`);
    expect(byAdmin.json.body).not.toContain('Administrator');
  });

  it('answers a dry run with the rendered email and sends and stores nothing', async () => {
    const mailsBefore = (await captured()).length;
    const res = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: VERIZON, dry_run: true },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      dry_run: true,
      public_ids: [29],
      email_to: 'peering@verizon.com',
      // A dry run shows the verdict (Verizon's Restrictive policy is not allowed) and who the mail goes to.
      qualification: {
        qualified: false,
        reasons: [RESTRICTIVE],
        exchanges: [{ public_id: 29, qualified: false, reasons: [RESTRICTIVE] }],
      },
      recipient_role: 'Policy',
      recipient_note: null,
    });
    expect(res.json.body).toContain('Verizon - EMEA');
    expect(res.json.body).toContain('194.42.48.54');
    expect((await captured()).length).toBe(mailsBefore);
    const listed = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { peer_participant_id: VERIZON },
    });
    expect(listed.json.data).toEqual([]);
    expect((await peerStateRepository.readPeer(29, VERIZON)).state.request_status).toBe('none');
  });

  it('refuses a request to a peer our rules disqualify (409 with the reasons), sending and storing nothing, unless forced', async () => {
    // The same verdict as the peer list shows at the exchange.
    const peer = await call('GET', `/exchanges/29/peers/${VERIZON}`, { token: viewer.token });
    expect(peer.status).toBe(200);
    expect(peer.json).toMatchObject({ qualified: false, qualification_reasons: [RESTRICTIVE] });

    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    const refused = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: VERIZON },
    });
    expect(refused.status).toBe(409);
    expect(refused.error?.code).toBe('not_qualified');
    expect(refused.error?.message).toContain('Verizon');
    expect(refused.error?.message).toContain('force: true');
    expect(refused.error?.details).toEqual([
      { path: 'body.peer_participant_id', message: expect.stringContaining(RESTRICTIVE) },
    ]);
    expect((await captured()).length).toBe(mailsBefore);
    expect(await tableSnapshot()).toEqual(before);

    const forced = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: VERIZON, force: true },
    });
    expect(forced.status).toBe(201);
    expect(forced.json).toMatchObject({
      status: 'sent',
      email_to: 'peering@verizon.com',
      qualification: { qualified: false, reasons: [RESTRICTIVE] },
      recipient_role: 'Policy',
    });
    const mails = (await captured()).slice(mailsBefore);
    expect(mails.map((m) => m.messageId)).toEqual([(forced.json as SentRequest).ses_message_id]);
  });

  it('refuses a second request while the first is unanswered, unless forced', async () => {
    const first = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: TELEKOM_MALAYSIA },
    });
    expect(first.status).toBe(201);
    const mailsBefore = (await captured()).length;
    const before = await tableSnapshot();
    const again = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: TELEKOM_MALAYSIA },
    });
    expect(again.status).toBe(409);
    expect(again.error?.message).toContain((first.json as SentRequest).id);
    expect(await tableSnapshot()).toEqual(before);
    expect((await captured()).length).toBe(mailsBefore);

    const forced = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: TELEKOM_MALAYSIA, force: true },
    });
    expect(forced.status).toBe(201);
    expect((forced.json as SentRequest).id).not.toBe((first.json as SentRequest).id);
    expect((await captured()).length).toBe(mailsBefore + 1);
  });

  it('records the answer: sent -> accepted or rejected, repeats it as a no-op, refuses every other move with 409', async () => {
    // Verizon's Restrictive policy disqualifies it; the answers, not the verdict, are under test.
    const sent = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: VERIZON, force: true },
    });
    const accepted = await callRoute(updateRequestRoute, {
      token: operator.token,
      params: { id: (sent.json as SentRequest).id },
      body: { status: 'accepted', note: 'Sessions up next week' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.json).toMatchObject({ status: 'accepted', note: 'Sessions up next week' });
    const { state, log } = await peerStateRepository.readPeer(29, VERIZON);
    expect(state.request_status).toBe('accepted');
    expect(log[0]?.message).toBe('Request accepted: Sessions up next week');

    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    for (const status of ['rejected', 'sent', 'failed'] as const) {
      const res = await callRoute(updateRequestRoute, {
        token: operator.token,
        params: { id: (sent.json as SentRequest).id },
        body: { status },
      });
      expect(res.status, status).toBe(409);
      if (status === 'sent') {
        expect(res.error?.message).toBe('An accepted request cannot become sent (it is final)');
      }
    }
    // The same answer again (a double click, a client retrying) changes nothing and says so with 200.
    const repeated = await callRoute(updateRequestRoute, {
      token: operator.token,
      params: { id: (sent.json as SentRequest).id },
      body: { status: 'accepted', note: 'clicked twice' },
    });
    expect(repeated.status).toBe(200);
    expect(repeated.json).toEqual(accepted.json);
    // Only the audit entry of the call itself may be new: no log entry, no change to the request or the peer.
    const notAudit = (items: string[]) =>
      items.filter((item) => !(JSON.parse(item) as { pk: string }).pk.startsWith('AUDIT#'));
    expect(notAudit(await tableSnapshot())).toEqual(notAudit(before));
    expect((await captured()).length).toBe(mailsBefore);

    const other = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: HURRICANE },
    });
    const rejected = await callRoute(updateRequestRoute, {
      token: operator.token,
      params: { id: (other.json as SentRequest).id },
      body: { status: 'rejected' },
    });
    expect(rejected.status).toBe(200);
    const he = await peerStateRepository.readPeer(other.json.public_ids[0]!, HURRICANE);
    expect(he.state.request_status).toBe('rejected');

    // An answered request no longer blocks a new one.
    const next = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: VERIZON, force: true },
    });
    expect(next.status).toBe(201);
  });

  it('stores a refused send as failed, says so in the peer log, and sends it on retry', async () => {
    const refusal = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    vi.spyOn(SESClient.prototype, 'send').mockImplementationOnce(() => Promise.reject(refusal));
    const mailsBefore = (await captured()).length;
    const res = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: GLOBALCONNECT },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'failed',
      ses_message_id: null,
      error: 'The mail service refused the message: Email address is not verified.',
    });
    const { id, number } = res.json as SentRequest;
    expect(Number.isInteger(number) && number! > 0).toBe(true);
    expect((await captured()).length).toBe(mailsBefore);
    const failed = await peerStateRepository.readPeer(31, GLOBALCONNECT);
    expect(failed.state.request_status).toBe('failed');
    expect(failed.log[0]?.message).toContain('failed: The mail service refused the message');

    const notYet = await callRoute(updateRequestRoute, {
      token: operator.token,
      params: { id },
      body: { status: 'accepted' },
    });
    expect(notYet.status).toBe(409);

    const retried = await callRoute(retryRequestRoute, {
      token: operator.token,
      params: { id },
    });
    expect(retried.status).toBe(200);
    // A retry is the same request: it keeps its number.
    expect(retried.json).toMatchObject({ id, number, status: 'sent', error: null });
    const mail = (await captured()).find((m) => m.messageId === retried.json.ses_message_id);
    expect(mail?.destination.to).toEqual(['peering@globalconnect.net']);
    const sent = await peerStateRepository.readPeer(31, GLOBALCONNECT);
    expect(sent.state.request_status).toBe('sent');
    expect(sent.log[0]?.message).toBe('Request sent to peering@globalconnect.net on retry');

    const twice = await callRoute(retryRequestRoute, { token: operator.token, params: { id } });
    expect(twice.status).toBe(409);
  });

  it('says there is no contact when the peer has none (422) and changes nothing', async () => {
    const silent = silentPeers()[0]!;
    expect(silent).toBeDefined();
    const before = await tableSnapshot();
    const res = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: silent },
    });
    expect(res.status).toBe(422);
    expect(res.error?.message).toContain('no Policy, Technical or NOC contact');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('sends one of two simultaneous requests to the same peer and refuses the other', async () => {
    const silent = silentPeers()[1]!;
    await storeContact(silent, 'peering@named-by-hand.example');
    const body = { peer_participant_id: silent, email_to: 'peering@named-by-hand.example' };
    const mailsBefore = (await captured()).length;
    const answers = await Promise.all([
      callRoute(sendRequestRoute, { token: operator.token, body }),
      callRoute(sendRequestRoute, { token: operator.token, body }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const mails = (await captured()).slice(mailsBefore);
    expect(mails.map((m) => m.destination.to)).toEqual([['peering@named-by-hand.example']]);
  });

  it('answers a bare 500 when the write after an accepted send fails, and holds the peer for the lease', async () => {
    const silent = silentPeers()[2]!;
    await storeContact(silent, 'peering@write-fails.example');
    const body = { peer_participant_id: silent, force: true };
    vi.spyOn(requestsRepository, 'saveAfterSend').mockRejectedValueOnce(
      new Error('ProvisionedThroughputExceeded'),
    );
    const res = await callRoute(sendRequestRoute, { token: operator.token, body });
    expect(res.status).toBe(500);
    expect(res.json).toEqual({ error: { code: 'internal_error', message: 'Internal error' } });
    // SES took it: the mail is out although no request records it (see sendRequest).
    const mails = (await captured()).filter((m) => m.destination.to[0] === 'peering@write-fails.example');
    expect(mails).toHaveLength(1);
    const listed = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { peer_participant_id: silent },
    });
    expect(listed.json.data).toEqual([]);
    const again = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { ...body, force: true },
    });
    expect(again.status).toBe(409);
    expect(again.error?.message).toContain('being sent right now');
  });

  it("refuses an operator's request to an address outside the peer's contacts (403), sending and storing nothing", async () => {
    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    for (const body of [
      { peer_participant_id: MICROSOFT, email_to: 'anyone@elsewhere.example' },
      { peer_participant_id: MICROSOFT, email_to: 'anyone@elsewhere.example', dry_run: true },
      { peer_participant_id: HURRICANE, email_to: 'peering@microsoft.com', force: true },
    ]) {
      const res = await callRoute(sendRequestRoute, { token: operator.token, body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.error?.code).toBe('recipient_not_allowed');
      expect(res.error?.message).toContain("only to the peer's PeeringDB contacts");
      expect(res.error?.details?.[0]?.path).toBe('body.email_to');
    }
    expect(await tableSnapshot()).toEqual(before);
    expect((await captured()).length).toBe(mailsBefore);
  });

  it("sends an admin's request to another address, and the peer log and the audit say so", async () => {
    const silent = silentPeers()[3]!;
    const res = await callRoute(sendRequestRoute, {
      token: admin.token,
      body: { peer_participant_id: silent, email_to: 'peering@found-elsewhere.example' },
    });
    expect(res.status).toBe(201);
    const request = res.json as SentRequest;
    expect(request).toMatchObject({ status: 'sent', email_to: 'peering@found-elsewhere.example' });
    const mail = (await captured()).find((m) => m.messageId === request.ses_message_id);
    expect(mail?.destination.to).toEqual(['peering@found-elsewhere.example']);
    const note = "peering@found-elsewhere.example outside the peer's contacts, sent by an admin";
    const { log } = await peerStateRepository.readPeer(request.public_ids[0]!, silent);
    expect(log[0]?.message).toBe(`Request sent to peering@found-elsewhere.example (${note})`);
    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: admin.user.id } });
    expect(audit.json.data[0]).toMatchObject({ target: `requests/${request.id}`, result: `sent; ${note}` });
  });

  it('refuses bad input with 422 and sends and stores nothing', async () => {
    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    const bad = [
      { peer_participant_id: MICROSOFT, email_to: 'peering@microsoft.com\r\nBcc: victim@example.com' },
      { peer_participant_id: MICROSOFT, email_to: 'not an address' },
      { peer_participant_id: MICROSOFT, public_ids: [1] },
      { peer_participant_id: MICROSOFT, template: 'no-such-template' },
      { peer_participant_id: MICROSOFT, template: 'Bad Name' },
      { peer_participant_id: US },
      { peer_participant_id: 'x' },
      { peer_participant_id: MICROSOFT, extra: true },
    ];
    for (const body of bad) {
      const res = await call('POST', '/requests', { token: operator.token, body: { ...body, force: true } });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
    const unknown = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: 999_999 },
    });
    expect(unknown.status).toBe(404);
    expect(await tableSnapshot()).toEqual(before);
    expect((await captured()).length).toBe(mailsBefore);
  });

  it('lists requests newest first, by peer, exchange, status and date, a page at a time', async () => {
    const all = await callRoute(listRequestsRoute, { token: viewer.token, query: { limit: 100 } });
    expect(all.status).toBe(200);
    const created = all.json.data.map((r: { created: string }) => r.created);
    expect(created).toEqual([...created].sort().reverse());

    const byPeer = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { peer_participant_id: TELEKOM_MALAYSIA },
    });
    expect(byPeer.json.data).toHaveLength(2);
    const atExchange = await callRoute(listRequestsRoute, { token: viewer.token, query: { public_id: 60 } });
    const peersAt60 = atExchange.json.data.map((r: { peer_participant_id: number }) => r.peer_participant_id);
    expect(peersAt60.sort()).toEqual([HURRICANE, MICROSOFT]);
    for (const r of atExchange.json.data) expect(r.public_ids).toContain(60);
    const accepted = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { status: 'accepted' },
    });
    expect(accepted.json.data.map((r: { peer_participant_id: number }) => r.peer_participant_id)).toEqual([
      VERIZON,
    ]);
    const future = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { since: '2999-01-01T00:00:00Z' },
    });
    expect(future.json.data).toEqual([]);
    const oldest = all.json.data.at(-1)!;
    const since = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { limit: 100, since: oldest.created },
    });
    expect(since.json.data).toHaveLength(all.json.data.length);
    const until = await callRoute(listRequestsRoute, {
      token: viewer.token,
      query: { limit: 100, until: oldest.created },
    });
    expect(until.json.data.map((r: { id: string }) => r.id)).toContain(oldest.id);
    for (const r of until.json.data) expect(r.created <= oldest.created).toBe(true);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: RouteQuery<typeof listRequestsRoute> = cursor ? { limit: 3, cursor } : { limit: 3 };
      const page = await callRoute(listRequestsRoute, { token: viewer.token, query });
      expect(page.json.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.json.data.map((r) => r.id));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(seen).toEqual(all.json.data.map((r: { id: string }) => r.id));

    const badFilter = await call('GET', '/requests?status=pending', { token: viewer.token });
    expect(badFilter.status).toBe(422);
  });

  it('lets a viewer read requests but not send, answer or retry them', async () => {
    const before = await tableSnapshot();
    const send = await callRoute(sendRequestRoute, {
      token: viewer.token,
      body: { peer_participant_id: FREE_PRO },
    });
    expect(send.status).toBe(403);
    const some = await callRoute(listRequestsRoute, { token: viewer.token, query: { limit: 1 } });
    const id = some.json.data[0]!.id;
    expect(
      (
        await callRoute(updateRequestRoute, {
          token: viewer.token,
          params: { id },
          body: { status: 'rejected' },
        })
      ).status,
    ).toBe(403);
    expect((await callRoute(retryRequestRoute, { token: viewer.token, params: { id } })).status).toBe(403);
    expect((await callRoute(listRequestsRoute)).status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('holds the deployment to its send rate: the excess gets 429 with Retry-After', async () => {
    await putSettings({ ...SETTINGS, send_rate_per_second: 0.01 }, { email: 'setup@quickline.example' });
    try {
      const first = await callRoute(sendRequestRoute, {
        token: operator.token,
        body: { peer_participant_id: FREE_PRO },
      });
      expect(first.status).toBe(201);
      const before = await tableSnapshot();
      const mailsBefore = (await captured()).length;
      const second = await callRoute(sendRequestRoute, {
        token: operator.token,
        body: { peer_participant_id: FREE_PRO, force: true },
      });
      expect(second.status).toBe(429);
      expect(Number(second.headers['retry-after'])).toBeGreaterThan(50);
      expect(await tableSnapshot()).toEqual(before);
      expect((await captured()).length).toBe(mailsBefore);
    } finally {
      await putSettings(SETTINGS, { email: 'setup@quickline.example' });
    }
  });
});
