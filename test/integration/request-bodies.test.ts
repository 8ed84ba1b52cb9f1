import { beforeAll, describe, expect, it } from 'vitest';
import { call, tableSnapshot, userWithRole } from '../support/api';

let operator: { token: string; email: string; password: string };

beforeAll(async () => {
  operator = await userWithRole('operator');
});

describe('bodies of routes that take JSON', () => {
  it('answers 415 for a body without a Content-Type, even one that would parse, and changes nothing', async () => {
    const before = await tableSnapshot();
    const login = await call('POST', '/users/post_login', {
      rawBody: JSON.stringify({ email: operator.email, password: operator.password }),
    });
    expect(login.status).toBe(415);
    expect(login.json.error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'Request body must be application/json; say so in its Content-Type',
    });
    const router = await call('POST', '/routers', {
      token: operator.token,
      rawBody: JSON.stringify({
        hostname: 'r1.example.net',
        platform: 'frr',
        asn: 64500,
        router_id: '192.0.2.1',
      }),
    });
    expect(router.status).toBe(415);
    expect(await tableSnapshot()).toEqual(before);
  });

  it('answers 415 for a body declared as something else than JSON', async () => {
    const res = await call('POST', '/users/post_login', {
      rawBody: JSON.stringify({ email: operator.email, password: operator.password }),
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(415);
  });

  it('takes a body declared as JSON, with parameters or as a +json type', async () => {
    for (const contentType of [
      'application/json',
      'application/json; charset=utf-8',
      'application/vnd.x+json',
    ]) {
      const res = await call('POST', '/users/post_login', {
        rawBody: JSON.stringify({ email: operator.email, password: operator.password }),
        headers: { 'content-type': contentType },
      });
      expect(res.status, contentType).toBe(200);
    }
  });
});

describe('the v1 gateway', () => {
  it('keeps taking form bodies, and JSON bodies with or without a Content-Type', async () => {
    const url = '/api/v1/api.php?target=peering&action=getRequests';
    const form = await call('POST', url, {
      token: operator.token,
      rawBody: 'status=sent',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.json).toEqual({ success: 1, message: 'No request found.', data: [] });
    const bare = await call('POST', url, { token: operator.token, rawBody: '{"status": "sent"}' });
    expect(bare.json).toEqual({ success: 1, message: 'No request found.', data: [] });
    const json = await call('POST', url, { token: operator.token, body: { status: 'sent' } });
    expect(json.json).toEqual({ success: 1, message: 'No request found.', data: [] });
  });
});
