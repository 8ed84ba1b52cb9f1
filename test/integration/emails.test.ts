import { SESClient } from '@aws-sdk/client-ses';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { putSettings } from '../../shared/settings/settings';
import { peerStateRepository } from '../../shared/peers/peer-state-store';
import { call, tableSnapshot, userWithRole, callRoute } from '../support/api';
import { sendEmailRoute } from '../../shared/requests/emails-routes';
import { sendRequestRoute } from '../../shared/requests/routes';
import {
  deleteNetworkContactsRoute,
  getNetworkRoute,
  listNetworkContactsRoute,
  putNetworkContactsRoute,
} from '../../shared/exchanges/networks-routes';
import { auditRoute } from '../../shared/system/routes';
import { capturedMail } from '../support/mail';
import { syncObjects } from '../support/peeringdb';

const FROM = `peering-${Math.random().toString(36).slice(2, 8)}@ours.example`;

const captured = () => capturedMail((mail) => mail.from === FROM);

let operator: Awaited<ReturnType<typeof userWithRole>>;
let viewer: Awaited<ReturnType<typeof userWithRole>>;
let admin: Awaited<ReturnType<typeof userWithRole>>;

describe('free-form email to a peer (sendEmail)', () => {
  beforeAll(async () => {
    await syncObjects({
      ix: [
        { id: 7, name: 'Test IX' },
        { id: 8, name: 'Other IX' },
      ],
      ixlan: [
        { id: 7, ix_id: 7 },
        { id: 8, ix_id: 8 },
      ],
      net: [
        { id: 1, asn: 64_501, name: 'Ours' },
        { id: 2, asn: 64_502, name: 'Peer Two' },
        { id: 3, asn: 64_503, name: 'Stranger' },
      ],
      poc: [
        { id: 1, net_id: 2, role: 'NOC', email: 'noc@peer.example' },
        { id: 2, net_id: 2, role: 'Policy', email: 'peering@peer.example' },
      ],
      netixlan: [
        { id: 1, net_id: 1, ix_id: 7, ixlan_id: 7, asn: 64_501, ipaddr4: '192.0.2.1' },
        { id: 2, net_id: 1, ix_id: 8, ixlan_id: 8, asn: 64_501, ipaddr4: '198.51.100.1' },
        { id: 3, net_id: 2, ix_id: 7, ixlan_id: 7, asn: 64_502, ipaddr4: '192.0.2.2' },
        { id: 4, net_id: 2, ix_id: 8, ixlan_id: 8, asn: 64_502, ipaddr4: '198.51.100.2' },
        { id: 5, net_id: 3, ix_id: 7, ixlan_id: 7, asn: 64_503, ipaddr4: '192.0.2.3' },
      ],
    });
    await putSettings(
      {
        source_asn: 64_501,
        source_participant_id: 1,
        company_name: 'Ours',
        email_from: FROM,
        email_cc: ['copy@ours.example'],
        send_rate_per_second: 100,
      },
      { email: 'setup@ours.example' },
    );
    operator = await userWithRole('operator');
    viewer = await userWithRole('viewer');
    admin = await userWithRole('admin');
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("sends to the peer's policy contact and logs it on the peer at each common exchange", async () => {
    const res = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 2, subject: 'Maintenance at Test IX', text: 'Port moves on Friday.' },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      peer_participant_id: 2,
      public_ids: [7, 8],
      email_to: ['peering@peer.example'],
      cc: ['copy@ours.example'],
      subject: 'Maintenance at Test IX',
    });
    const mail = (await captured()).find((m) => m.messageId === res.json.ses_message_id);
    expect(mail?.destination).toEqual({ to: ['peering@peer.example'], cc: ['copy@ours.example'], bcc: [] });
    expect(mail?.body.text).toBe('Port moves on Friday.');
    for (const publicId of [7, 8]) {
      const { log } = await peerStateRepository.readPeer(publicId, 2);
      expect(log[0]).toMatchObject({
        message: 'Email sent to peering@peer.example: Maintenance at Test IX',
        user: operator.email,
      });
    }
  });

  it('sends to named contacts of the peer and logs only at the named exchange', async () => {
    const res = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 2, public_ids: [8], to: ['noc@peer.example'], subject: 'Hi', text: 'x' },
    });
    expect(res.status).toBe(201);
    expect(res.json.public_ids).toEqual([8]);
    expect((await peerStateRepository.readPeer(8, 2)).log[0]?.message).toBe(
      'Email sent to noc@peer.example: Hi',
    );
    expect((await peerStateRepository.readPeer(7, 2)).log[0]?.message).not.toContain('noc@peer.example');
  });

  it('refuses bad input with 422: header injection, bad addresses, oversized bodies', async () => {
    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    const base = { peer_participant_id: 2, subject: 'Hello', text: 'Body' };
    const bad = [
      { ...base, subject: 'Hello\r\nBcc: victim@example.com' },
      { ...base, subject: 'Hello\nX-Injected: 1' },
      { ...base, to: ['peering@peer.example\r\nBcc: victim@example.com'] },
      { ...base, to: ['not-an-address'] },
      { ...base, text: 'x'.repeat(100_001) },
      { ...base, subject: '' },
      { ...base, public_ids: [9] },
      { ...base, peer_participant_id: 3 },
      { ...base, peer_participant_id: 1 },
    ];
    for (const body of bad) {
      const res = await callRoute(sendEmailRoute, { token: operator.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(422);
    }
    expect(await tableSnapshot()).toEqual(before);
    expect((await captured()).length).toBe(mailsBefore);
  });

  it('answers 502 when SES refuses, and the peer log says so in its words, not the SDK names', async () => {
    const refused = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    vi.spyOn(SESClient.prototype, 'send').mockImplementationOnce(() => Promise.reject(refused));
    const res = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 2, public_ids: [7], subject: 'Refused', text: 'x' },
    });
    expect(res.status).toBe(502);
    expect(res.error).toEqual({
      code: 'email_failed',
      message: 'The email was not sent: The mail service refused the message: Email address is not verified.',
    });
    const { log } = await peerStateRepository.readPeer(7, 2);
    expect(log[0]?.message).toBe(
      'Email to peering@peer.example failed: The mail service refused the message: Email address is not verified.',
    );
  });

  it('goes to the contact a coordinator chose for the peer, when there is one', async () => {
    await peerStateRepository.change(
      { publicId: 8, participantId: 2, name: 'Peer Two' },
      { preferred_contact_id: 1 },
      [],
    );
    const res = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 2, subject: 'To the chosen one', text: 'x' },
    });
    expect(res.status).toBe(201);
    expect(res.json.email_to).toEqual(['noc@peer.example']);
    const dry = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: 2, dry_run: true },
    });
    expect(dry.json.email_to).toBe('noc@peer.example');
  });

  it("refuses an operator's mail to an address outside the peer's contacts (403 naming the rule), sending and storing nothing", async () => {
    const before = await tableSnapshot();
    const mailsBefore = (await captured()).length;
    for (const to of [['victim@example.com'], ['peering@peer.example', 'Victim@Example.com']]) {
      const res = await callRoute(sendEmailRoute, {
        token: operator.token,
        body: { peer_participant_id: 2, to, subject: 'Hello', text: 'Body' },
      });
      expect(res.status).toBe(403);
      expect(res.error?.code).toBe('recipient_not_allowed');
      expect(res.error?.message).toContain("only to the peer's PeeringDB contacts");
      expect(res.error?.message).toContain('needs an admin');
      expect(res.error?.details).toEqual([
        { path: 'body.to', message: expect.stringContaining(to.at(-1)!) as string },
      ]);
    }
    expect(await tableSnapshot()).toEqual(before);
    expect((await captured()).length).toBe(mailsBefore);
  });

  it('lets an admin write to another address, and the peer log and the audit say so', async () => {
    const res = await callRoute(sendEmailRoute, {
      token: admin.token,
      body: {
        peer_participant_id: 2,
        public_ids: [7],
        to: ['partner@elsewhere.example'],
        subject: 'Hi',
        text: 'x',
      },
    });
    expect(res.status).toBe(201);
    const mail = (await captured()).find((m) => m.messageId === res.json.ses_message_id);
    expect(mail?.destination.to).toEqual(['partner@elsewhere.example']);
    const { log } = await peerStateRepository.readPeer(7, 2);
    expect(log[0]?.message).toBe(
      "Email sent to partner@elsewhere.example (partner@elsewhere.example outside the peer's contacts, sent by an admin): Hi",
    );
    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: admin.user.id } });
    expect(audit.json.data[0]).toMatchObject({
      operation: 'sendEmail',
      target: 'networks/2/emails',
      result: expect.stringContaining(
        "partner@elsewhere.example outside the peer's contacts, sent by an admin",
      ) as string,
    });
  });

  it('sends to an address an operator stored for the peer, shown among its contacts as such', async () => {
    const denied = await callRoute(putNetworkContactsRoute, {
      token: viewer.token,
      params: { participant_id: 3 },
      body: { contacts: [{ email: 'peering@stranger.example' }] },
    });
    expect(denied.status).toBe(403);
    for (const contacts of [
      [{ email: 'peering@stranger.example\r\nBcc: victim@example.com' }],
      [{ email: 'peering@stranger.example' }, { email: 'Peering@Stranger.example' }],
      [{ email: 'peering@stranger.example', role: 'Sales' }],
    ]) {
      const bad = await call('PUT', '/networks/3/contacts', { token: operator.token, body: { contacts } });
      expect(bad.status, JSON.stringify(contacts)).toBe(422);
    }
    const unknown = await callRoute(putNetworkContactsRoute, {
      token: operator.token,
      params: { participant_id: 99 },
      body: { contacts: [{ email: 'peering@nowhere.example' }] },
    });
    expect(unknown.status).toBe(404);

    const stored = await callRoute(putNetworkContactsRoute, {
      token: operator.token,
      params: { participant_id: 3 },
      body: { contacts: [{ email: 'peering@stranger.example', name: 'Peering desk' }] },
    });
    expect(stored.status).toBe(200);
    const contact = {
      id: null,
      role: 'Policy',
      name: 'Peering desk',
      email: 'peering@stranger.example',
      phone: '',
      url: '',
      source: 'operator',
    };
    expect(stored.json.data).toEqual([contact]);
    const listed = await callRoute(listNetworkContactsRoute, {
      token: viewer.token,
      params: { participant_id: 3 },
    });
    expect(listed.json.data).toEqual([contact]);
    const network = await callRoute(getNetworkRoute, { token: viewer.token, params: { participant_id: 3 } });
    expect(network.json.contacts).toEqual([contact]);
    const peer2 = await callRoute(getNetworkRoute, { token: viewer.token, params: { participant_id: 2 } });
    expect(peer2.json.contacts.map((c) => c.source)).toEqual(['peeringdb', 'peeringdb']);

    const res = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 3, subject: 'Hello', text: 'x' },
    });
    expect(res.status).toBe(201);
    expect(res.json.email_to).toEqual(['peering@stranger.example']);
    const named = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 3, to: ['PEERING@stranger.example'], subject: 'Again', text: 'x' },
    });
    expect(named.status).toBe(201);
    const dry = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: 3, dry_run: true },
    });
    expect(dry.json.email_to).toBe('peering@stranger.example');

    const cleared = await callRoute(deleteNetworkContactsRoute, {
      token: operator.token,
      params: { participant_id: 3 },
    });
    expect(cleared.status).toBe(204);
    const audit = await callRoute(auditRoute, { token: admin.token, query: { limit: 5 } });
    expect(audit.json.data.map((e) => e.operation)).toContain('putNetworkContacts');
    const gone = await callRoute(sendEmailRoute, {
      token: operator.token,
      body: { peer_participant_id: 3, to: ['peering@stranger.example'], subject: 'Hello', text: 'x' },
    });
    expect(gone.status).toBe(403);
  });

  it('does not let a viewer send email', async () => {
    const before = await tableSnapshot();
    const res = await callRoute(sendEmailRoute, {
      token: viewer.token,
      body: { peer_participant_id: 2, subject: 'Hi', text: 'x' },
    });
    expect(res.status).toBe(403);
    expect(await tableSnapshot()).toEqual(before);
  });
});
