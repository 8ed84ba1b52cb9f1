import { beforeAll, describe, expect, it } from 'vitest';
import { putSettings } from '../../shared/settings/settings';
import { call, tableSnapshot, userWithRole } from '../support/api';
import { capturedMail } from '../support/mail';
import { syncObjects } from '../support/peeringdb';

const FROM = `peering-${Math.random().toString(36).slice(2, 8)}@ours.example`;
const PEER_NAME = 'Evil <script>alert(1)</script> & "Co"';

const captured = () => capturedMail((mail) => mail.from === FROM);

const CUSTOM = {
  subject: 'Peering {{company_name}} AS{{source_asn}} / {{peer_name}} AS{{peer_asn}}',
  text: 'Hi {{peer_name}},\n{{#exchanges}}\n- {{exchange_name}}: {{our_ipv4}} / {{peer_ipv4}}\n{{/exchanges}}\n{{sender_name}}\n',
  html: '<p>Hi {{peer_name}}</p><ul>{{#exchanges}}<li>{{exchange_name}}: {{peer_ipv6}}</li>{{/exchanges}}</ul>',
};

let operator: Awaited<ReturnType<typeof userWithRole>>;
let viewer: Awaited<ReturnType<typeof userWithRole>>;

describe('email templates', () => {
  beforeAll(async () => {
    await syncObjects({
      ix: [{ id: 7, name: 'Test IX' }],
      ixlan: [{ id: 7, ix_id: 7 }],
      net: [
        { id: 1, asn: 64_501, name: 'Ours' },
        { id: 2, asn: 64_502, name: PEER_NAME },
      ],
      poc: [{ id: 1, net_id: 2, role: 'Policy', email: 'peering@peer.example' }],
      netixlan: [
        {
          id: 1,
          net_id: 1,
          ix_id: 7,
          ixlan_id: 7,
          asn: 64_501,
          ipaddr4: '192.0.2.1',
          ipaddr6: '2001:db8::1',
        },
        {
          id: 2,
          net_id: 2,
          ix_id: 7,
          ixlan_id: 7,
          asn: 64_502,
          ipaddr4: '192.0.2.2',
          ipaddr6: '2001:db8::2',
        },
      ],
    });
    await putSettings(
      { source_asn: 64_501, source_participant_id: 1, company_name: 'Ours & Sons', email_from: FROM },
      { email: 'setup@ours.example' },
    );
    operator = await userWithRole('operator');
    viewer = await userWithRole('viewer');
  });

  it('lists the built-in templates to a viewer', async () => {
    const res = await call('GET', '/templates', { token: viewer.token });
    expect(res.status).toBe(200);
    const names = res.json.data.map((t: { name: string }) => t.name);
    expect(names).toEqual(['configuration-complete', 'follow-up', 'peering-request']);
    for (const t of res.json.data)
      expect(t).toMatchObject({ built_in: true, customized: false, modified: null });
  });

  it('saves a custom template and sends with it, escaping values in HTML only', async () => {
    const saved = await call('PUT', '/templates/short-request', { token: operator.token, body: CUSTOM });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ name: 'short-request', built_in: false, customized: true });
    expect(saved.json.modified_by).toBe(operator.email);
    const listed = await call('GET', '/templates', { token: viewer.token });
    expect(listed.json.data.map((t: { name: string }) => t.name)).toContain('short-request');

    const sent = await call('POST', '/requests', {
      token: operator.token,
      body: { peer_participant_id: 2, template: 'short-request' },
    });
    expect(sent.status).toBe(201);
    expect(sent.json.template).toBe('short-request');
    const mail = (await captured()).find((m) => m.messageId === sent.json.ses_message_id);
    expect(mail?.subject).toBe(`Peering Ours & Sons AS64501 / ${PEER_NAME} AS64502`);
    expect(mail?.body.text).toBe(
      `Hi ${PEER_NAME},\n- Test IX: 192.0.2.1 / 192.0.2.2\n${operator.user.name}\n`,
    );
    expect(mail?.body.html).toBe(
      '<p>Hi Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</p><ul><li>Test IX: 2001:db8::2</li></ul>',
    );
  });

  it('lets a custom template replace a built-in one of the same name', async () => {
    const put = await call('PUT', '/templates/follow-up', {
      token: operator.token,
      body: { subject: 'Reminder from {{company_name}}', text: 'Ping {{peer_name}}' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ built_in: true, customized: true, html: null });
    const dry = await call('POST', '/requests', {
      token: operator.token,
      body: { peer_participant_id: 2, template: 'follow-up', dry_run: true },
    });
    expect(dry.json).toMatchObject({
      subject: 'Reminder from Ours & Sons',
      body: `Ping ${PEER_NAME}`,
      html_body: null,
    });
  });

  it('brings a built-in back when its replacement is deleted, and deletes custom ones', async () => {
    const put = await call('PUT', '/templates/peering-request', {
      token: operator.token,
      body: { subject: 'Replaced', text: 'Replaced for {{peer_name}}' },
    });
    expect(put.json.customized).toBe(true);
    const del = await call('DELETE', '/templates/peering-request', { token: operator.token });
    expect(del.status).toBe(204);
    const list = await call('GET', '/templates', { token: viewer.token });
    const restored = list.json.data.find((t: { name: string }) => t.name === 'peering-request');
    expect(restored).toMatchObject({ built_in: true, customized: false, modified: null });
    expect(restored.subject).not.toBe('Replaced');

    // Nothing custom is left under that name now: a second delete is a 404 that says why.
    const again = await call('DELETE', '/templates/peering-request', { token: operator.token });
    expect(again.status).toBe(404);
    expect(again.json.error.message).toContain('the built-in one is already in effect');

    await call('PUT', '/templates/one-off', { token: operator.token, body: CUSTOM });
    expect((await call('DELETE', '/templates/one-off', { token: operator.token })).status).toBe(204);
    const names = (await call('GET', '/templates', { token: viewer.token })).json.data.map(
      (t: { name: string }) => t.name,
    );
    expect(names).not.toContain('one-off');
    expect((await call('DELETE', '/templates/one-off', { token: viewer.token })).status).toBe(403);
  });

  it('refuses, when saved, a template with an unknown variable or a broken tag, and stores nothing', async () => {
    const before = await tableSnapshot();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...CUSTOM, text: 'Hello {{peer_nmae}}' }, 'body.text', "unknown variable 'peer_nmae'"],
      [{ ...CUSTOM, subject: 'From {{password}}' }, 'body.subject', "unknown variable 'password'"],
      [{ ...CUSTOM, html: '{{#exchanges}}<td>{{exchange_name}}</td>' }, 'body.html', 'never closed'],
      [{ ...CUSTOM, text: '{{exchange_name}}' }, 'body.text', "unknown variable 'exchange_name'"],
      [{ ...CUSTOM, text: '{{#peers}}x{{/peers}}' }, 'body.text', "unknown list 'peers'"],
      [{ ...CUSTOM, text: '{{{peer_name}}}' }, 'body.text', 'unsupported tag'],
      [{ ...CUSTOM, text: '{{constructor}}' }, 'body.text', "unknown variable 'constructor'"],
      [{ ...CUSTOM, subject: 'Peering\r\nBcc: victim@example.com' }, 'body.subject', 'single line'],
      [{ ...CUSTOM, text: 'x'.repeat(50_001) }, 'body.text', ''],
    ];
    for (const [body, path, message] of cases) {
      const res = await call('PUT', '/templates/broken', { token: operator.token, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      const detail = res.json.error.details.find((d: { path: string }) => d.path === path);
      expect(detail?.message, path).toContain(message);
    }
    const badName = await call('PUT', '/templates/Bad_Name', { token: operator.token, body: CUSTOM });
    expect(badName.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('does not let a viewer change templates', async () => {
    const before = await tableSnapshot();
    const res = await call('PUT', '/templates/short-request', { token: viewer.token, body: CUSTOM });
    expect(res.status).toBe(403);
    expect((await call('GET', '/templates')).status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });
});
