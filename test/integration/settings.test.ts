import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { KEYS } from '../../shared/platform/storage/keys';
import { forgetCachedSettings } from '../../shared/settings/settings';
import { getSettingsRoute, patchSettingsRoute, putSettingsRoute } from '../../shared/settings/routes';
import { auditRoute } from '../../shared/system/routes';
import { call, callRoute, type RouteBody, tableSnapshot, userWithRole } from '../support/api';

describe('GET /settings', () => {
  it('gives the defaults before anything is set', async () => {
    const { token } = await userWithRole('viewer');
    const res = await callRoute(getSettingsRoute, { token });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      source_asn: null,
      source_participant_id: null,
      email_cc: [],
      qualification: { allowed_policies: ['Open', 'Selective'] },
    });
  });
});

describe('PUT /settings', () => {
  it('lets an admin set them, and every reader sees the change at once', async () => {
    const admin = await userWithRole('admin');
    const viewer = await userWithRole('viewer');
    const body: RouteBody<typeof putSettingsRoute> = {
      source_asn: 64_500,
      source_participant_id: 100,
      company_name: 'Example Networks',
      email_from: 'peering@example.net',
      email_cc: ['noc@example.net'],
      qualification: { min_prefixes4: 10, allowed_policies: ['Open'] },
    };
    const put = await callRoute(putSettingsRoute, { token: admin.token, body });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      ...body,
      qualification: { min_prefixes4: 10, allowed_policies: ['Open'] },
    });
    expect(put.json.modified).toBeDefined();
    const get = await callRoute(getSettingsRoute, { token: viewer.token });
    expect(get.json).toEqual(put.json);
    const audit = await callRoute(auditRoute, { token: admin.token });
    expect(audit.json.data.map((e: { operation: string }) => e.operation)).toContain('putSettings');
  });

  it('refuses bad emails, CR/LF and unknown fields with 422, changing nothing', async () => {
    const admin = await userWithRole('admin');
    const before = await tableSnapshot();
    const res = await call('PUT', '/settings', {
      token: admin.token,
      body: {
        email_from: 'not-an-email',
        email_cc: ['ok@example.net', 'bad@'],
        company_name: 'Evil\r\nBcc: victim@example.org',
        source_asn: 0,
        colour: 'red',
      },
    });
    expect(res.status).toBe(422);
    const paths = res.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(
      expect.arrayContaining(['body.email_from', 'body.email_cc.1', 'body.company_name', 'body.source_asn']),
    );
    expect(await tableSnapshot()).toEqual(before);
  });

  it('is for admins only', async () => {
    const operator = await userWithRole('operator');
    const before = await tableSnapshot();
    const res = await callRoute(putSettingsRoute, { token: operator.token, body: { company_name: 'x' } });
    expect(res.status).toBe(403);
    expect((await callRoute(putSettingsRoute, { body: { company_name: 'x' } })).status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('qualification rules', () => {
  it('refuses a misspelt rule with 422 naming it, changing nothing', async () => {
    const admin = await userWithRole('admin');
    const before = await tableSnapshot();
    for (const method of ['PUT', 'PATCH'] as const) {
      const res = await call(method, '/settings', {
        token: admin.token,
        body: { qualification: { min_prefixes4: 10, min_prefix4: 5 } },
      });
      expect(res.status).toBe(422);
      expect(res.json.error.details).toEqual([
        { path: 'body.qualification.min_prefix4', message: 'Unrecognized key: "min_prefix4"' },
      ]);
    }
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('exclude_route_servers', () => {
  it('is on by default, also for settings stored before the rule existed', async () => {
    const admin = await userWithRole('admin');
    const put = await callRoute(putSettingsRoute, {
      token: admin.token,
      body: { company_name: 'Older Networks', qualification: { min_prefixes4: 5 } },
    });
    expect(put.json.qualification.exclude_route_servers).toBe(true);
    // The item as an earlier version wrote it: a qualification without the rule.
    const stored = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: KEYS.settings.key({}), ConsistentRead: true }),
    );
    const { exclude_route_servers: _rule, ...olderRules } = stored.Item?.qualification as Record<
      string,
      unknown
    >;
    await ddb().send(
      new PutCommand({ TableName: tableName(), Item: { ...stored.Item, qualification: olderRules } }),
    );
    forgetCachedSettings();
    const read = await callRoute(getSettingsRoute, { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.json.qualification).toMatchObject({ min_prefixes4: 5, exclude_route_servers: true });
    const off = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { qualification: { exclude_route_servers: false } },
    });
    expect(off.json.qualification).toMatchObject({ min_prefixes4: 5, exclude_route_servers: false });
  });
});

describe('PATCH /settings', () => {
  it('changes only the fields given, the qualification rules one by one', async () => {
    const admin = await userWithRole('admin');
    const put = await callRoute(putSettingsRoute, {
      token: admin.token,
      body: {
        company_name: 'Example Networks',
        email_from: 'peering@example.net',
        email_cc: ['noc@example.net'],
        resend_window_days: 30,
        qualification: { min_prefixes4: 10, allowed_policies: ['Open'], require_ipv6: true },
      },
    });
    expect(put.status).toBe(200);
    const patch = await callRoute(patchSettingsRoute, {
      token: admin.token,
      body: { company_name: 'Renamed Networks', qualification: { min_prefixes6: 3 } },
    });
    expect(patch.status).toBe(200);
    const { modified: _before, ...expected } = put.json;
    expect(patch.json).toMatchObject({
      ...expected,
      company_name: 'Renamed Networks',
      qualification: { ...put.json.qualification, min_prefixes6: 3 },
    });
    expect((await callRoute(getSettingsRoute, { token: admin.token })).json).toEqual(patch.json);
    const audit = await callRoute(auditRoute, { token: admin.token });
    expect(audit.json.data.map((e: { operation: string }) => e.operation)).toContain('patchSettings');
  });

  it('keeps every one of concurrent changes to different fields', async () => {
    const admin = await userWithRole('admin');
    const changes = [
      { company_name: 'Concurrent Networks' },
      { irr_as_set: 'AS-CONCURRENT' },
      { email_from: 'peering@concurrent.example' },
      { email_reply_to: 'noc@concurrent.example' },
      { resend_window_days: 21 },
      { qualification: { min_prefixes4: 7 } },
      { qualification: { min_prefixes6: 5 } },
    ];
    const answers = await Promise.all(
      changes.map((body) => callRoute(patchSettingsRoute, { token: admin.token, body })),
    );
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    const settings = (await callRoute(getSettingsRoute, { token: admin.token })).json;
    expect(settings).toMatchObject({
      company_name: 'Concurrent Networks',
      irr_as_set: 'AS-CONCURRENT',
      email_from: 'peering@concurrent.example',
      email_reply_to: 'noc@concurrent.example',
      resend_window_days: 21,
      qualification: { min_prefixes4: 7, min_prefixes6: 5 },
    });
  });

  it('validates like PUT, needs a field, and is for admins only', async () => {
    const admin = await userWithRole('admin');
    const operator = await userWithRole('operator');
    const before = await tableSnapshot();
    const bad = await call('PATCH', '/settings', {
      token: admin.token,
      body: { email_from: 'not-an-email', company_name: 'Evil\r\nBcc: x@example.org', colour: 'red' },
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.colour',
      'body.company_name',
      'body.email_from',
    ]);
    expect((await callRoute(patchSettingsRoute, { token: admin.token, body: {} })).status).toBe(422);
    const body = { company_name: 'x' };
    expect((await callRoute(patchSettingsRoute, { token: operator.token, body })).status).toBe(403);
    expect((await callRoute(patchSettingsRoute, { body })).status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });
});
