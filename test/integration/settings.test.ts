import { describe, expect, it } from 'vitest';
import { call, tableSnapshot, userWithRole } from '../support/api';

describe('GET /settings', () => {
  it('gives the defaults before anything is set', async () => {
    const { token } = await userWithRole('viewer');
    const res = await call('GET', '/settings', { token });
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
    const body = {
      source_asn: 64_500,
      source_participant_id: 100,
      company_name: 'Example Networks',
      email_from: 'peering@example.net',
      email_cc: ['noc@example.net'],
      qualification: { min_prefixes4: 10, allowed_policies: ['Open'] },
    };
    const put = await call('PUT', '/settings', { token: admin.token, body });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      ...body,
      qualification: { min_prefixes4: 10, allowed_policies: ['Open'] },
    });
    expect(put.json.modified).toBeDefined();
    const get = await call('GET', '/settings', { token: viewer.token });
    expect(get.json).toEqual(put.json);
    const audit = await call('GET', '/audit', { token: admin.token });
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
    const res = await call('PUT', '/settings', { token: operator.token, body: { company_name: 'x' } });
    expect(res.status).toBe(403);
    expect((await call('PUT', '/settings', { body: { company_name: 'x' } })).status).toBe(401);
    expect(await tableSnapshot()).toEqual(before);
  });
});
