import { beforeAll, describe, expect, it } from 'vitest';
import { putSettings } from '../../shared/settings/settings';
import { tableSnapshot, userWithRole, callRoute, type RouteBody } from '../support/api';
import { RequestSchema, sendRequestRoute } from '../../shared/requests/routes';
import {
  deleteTemplateRoute,
  listTemplatesRoute,
  putTemplateRoute,
} from '../../shared/requests/templates-routes';
import type * as z from '../../shared/platform/zod';
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
    const res = await callRoute(listTemplatesRoute, { token: viewer.token });
    expect(res.status).toBe(200);
    const names = res.json.data.map((t: { name: string }) => t.name);
    expect(names).toEqual(['configuration-complete', 'follow-up', 'peering-request']);
    for (const t of res.json.data)
      expect(t).toMatchObject({ built_in: true, customized: false, modified: null });
  });

  it('saves a custom template and sends with it, escaping values in HTML only', async () => {
    const saved = await callRoute(putTemplateRoute, {
      token: operator.token,
      params: { name: 'short-request' },
      body: CUSTOM,
    });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ name: 'short-request', built_in: false, customized: true });
    expect(saved.json.modified_by).toBe(operator.email);
    const listed = await callRoute(listTemplatesRoute, { token: viewer.token });
    expect(listed.json.data.map((t: { name: string }) => t.name)).toContain('short-request');

    const sent = await callRoute(sendRequestRoute, {
      token: operator.token,
      body: { peer_participant_id: 2, template: 'short-request' },
    });
    expect(sent.status).toBe(201);
    expect(sent.json.template).toBe('short-request');
    const mail = (await captured()).find(
      (m) => m.messageId === (sent.json as z.output<typeof RequestSchema>).ses_message_id,
    );
    expect(mail?.subject).toBe(`Peering Ours & Sons AS64501 / ${PEER_NAME} AS64502`);
    expect(mail?.body.text).toBe(
      `Hi ${PEER_NAME},\n- Test IX: 192.0.2.1 / 192.0.2.2\n${operator.user.name}\n`,
    );
    expect(mail?.body.html).toBe(
      '<p>Hi Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</p><ul><li>Test IX: 2001:db8::2</li></ul>',
    );
  });

  it('lets a custom template replace a built-in one of the same name', async () => {
    const put = await callRoute(putTemplateRoute, {
      token: operator.token,
      params: { name: 'follow-up' },
      body: { subject: 'Reminder from {{company_name}}', text: 'Ping {{peer_name}}' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ built_in: true, customized: true, html: null });
    const dry = await callRoute(sendRequestRoute, {
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
    const put = await callRoute(putTemplateRoute, {
      token: operator.token,
      params: { name: 'peering-request' },
      body: { subject: 'Replaced', text: 'Replaced for {{peer_name}}' },
    });
    expect(put.json.customized).toBe(true);
    const del = await callRoute(deleteTemplateRoute, {
      token: operator.token,
      params: { name: 'peering-request' },
    });
    expect(del.status).toBe(204);
    const list = await callRoute(listTemplatesRoute, { token: viewer.token });
    const restored = list.json.data.find((t: { name: string }) => t.name === 'peering-request');
    expect(restored).toMatchObject({ built_in: true, customized: false, modified: null });
    expect(restored?.subject).not.toBe('Replaced');

    // Nothing custom is left under that name now: a second delete is a 404 that says why.
    const again = await callRoute(deleteTemplateRoute, {
      token: operator.token,
      params: { name: 'peering-request' },
    });
    expect(again.status).toBe(404);
    expect(again.error?.message).toContain('the built-in one is already in effect');

    await callRoute(putTemplateRoute, { token: operator.token, params: { name: 'one-off' }, body: CUSTOM });
    expect(
      (await callRoute(deleteTemplateRoute, { token: operator.token, params: { name: 'one-off' } })).status,
    ).toBe(204);
    const names = (await callRoute(listTemplatesRoute, { token: viewer.token })).json.data.map(
      (t: { name: string }) => t.name,
    );
    expect(names).not.toContain('one-off');
    expect(
      (await callRoute(deleteTemplateRoute, { token: viewer.token, params: { name: 'one-off' } })).status,
    ).toBe(403);
  });

  it('refuses, when saved, a template with an unknown variable or a broken tag, and stores nothing', async () => {
    const before = await tableSnapshot();
    const cases: [RouteBody<typeof putTemplateRoute>, string, string][] = [
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
      const res = await callRoute(putTemplateRoute, {
        token: operator.token,
        params: { name: 'broken' },
        body,
      });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      const detail = res.error?.details?.find((d: { path: string }) => d.path === path);
      expect(detail?.message, path).toContain(message);
    }
    const badName = await callRoute(putTemplateRoute, {
      token: operator.token,
      params: { name: 'Bad_Name' },
      body: CUSTOM,
    });
    expect(badName.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('does not let a viewer change templates', async () => {
    const before = await tableSnapshot();
    const res = await callRoute(putTemplateRoute, {
      token: viewer.token,
      params: { name: 'short-request' },
      body: CUSTOM,
    });
    expect(res.status).toBe(403);
    expect((await callRoute(listTemplatesRoute)).status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });
});
