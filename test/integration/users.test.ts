import { describe, expect, it } from 'vitest';
import { ACCOUNT_GUESSES } from '../../shared/users/login-limits';
import { call, tableSnapshot, userWithRole, callRoute, type RouteQuery } from '../support/api';
import { auditRoute, healthRoute } from '../../shared/system/routes';
import {
  createUserRoute,
  deleteUserRoute,
  listUsersRoute,
  loginRoute,
  meRoute,
  updateUserRoute,
} from '../../shared/users/routes';

describe('login', () => {
  it('returns a bearer token that opens protected routes', async () => {
    const { email, password, user } = await userWithRole('viewer');
    const res = await callRoute(loginRoute, { body: { email, password } });
    expect(res.status).toBe(200);
    expect(res.json.token_type).toBe('Bearer');
    expect(res.json.user).toMatchObject({ id: user.id, email, role: 'viewer' });
    expect(res.json.user).not.toHaveProperty('password_hash');
    const exp = Date.parse(res.json.expires_at) - Date.now();
    expect(exp).toBeGreaterThan(3500_000);
    expect(exp).toBeLessThanOrEqual(3600_000);
    const me = await callRoute(meRoute, { token: res.json.token });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(user.id);
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const { email } = await userWithRole('viewer');
    const wrong = await callRoute(loginRoute, { body: { email, password: 'not the password' } });
    const unknown = await callRoute(loginRoute, { body: { email: `x${email}`, password: 'whatever' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual(unknown.json);
  });

  it('refuses the right password too once ten guesses from new addresses failed', async () => {
    const { email, password } = await userWithRole('operator');
    for (let i = 0; i < ACCOUNT_GUESSES; i++) {
      const res = await callRoute(loginRoute, { body: { email, password: `wrong ${i}` } });
      expect(res.status).toBe(401);
    }
    const locked = await callRoute(loginRoute, { body: { email, password } });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses a disabled user', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('viewer');
    const off = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: target.user.id },
      body: { disabled: true },
    });
    expect(off.status).toBe(200);
    const res = await callRoute(loginRoute, { body: { email: target.email, password: target.password } });
    expect(res.status).toBe(401);
  });
});

describe('request handling', () => {
  it('answers 400 for malformed JSON and changes nothing', async () => {
    const before = await tableSnapshot();
    const res = await call('POST', '/users/post_login', {
      rawBody: '{"email": "a@b.c", "password": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('bad_request');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('answers 422 naming each bad field', async () => {
    const admin = await userWithRole('admin');
    // 'root' is no role: a body outside the contract's types, sent raw.
    const res = await call('POST', '/users', {
      token: admin.token,
      body: { email: 'not-an-email', password: 'short', name: 'x', role: 'root' },
    });
    expect(res.status).toBe(422);
    const paths = res.json.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['body.email', 'body.password', 'body.role']);
  });

  it('refuses unknown fields when creating a user or logging in, naming each, and creates nobody', async () => {
    const admin = await userWithRole('admin');
    const before = await tableSnapshot();
    const email = 'sneaky@example.net';
    const password = 'a long enough password';
    const created = await call('POST', '/users', {
      token: admin.token,
      body: { email, password, name: 'Sneaky', role: 'viewer', disabled: true, is_admin: true },
    });
    expect(created.status).toBe(422);
    expect(created.json.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.disabled',
      'body.is_admin',
    ]);
    expect(created.json.error.details[0].message).toMatch(/^Unrecognized key/);
    expect(await tableSnapshot()).toEqual(before);

    const login = await call('POST', '/users/post_login', {
      body: { email: admin.email, password: admin.password, remember_me: true },
    });
    expect(login.status).toBe(422);
    expect(login.json.error.details).toEqual([
      { path: 'body.remember_me', message: 'Unrecognized key: "remember_me"' },
    ]);
  });

  it('says a number is expected when a path or query value is not one', async () => {
    const admin = await userWithRole('admin');
    const res = await call('GET', '/users?limit=abc', { token: admin.token });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([{ path: 'query.limit', message: 'must be a number' }]);
  });

  it('answers 413 for a body over 1 MB', async () => {
    const res = await call('POST', '/users/post_login', {
      rawBody: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
  });

  it('answers 404 JSON for an unknown route', async () => {
    const res = await call('GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });

  it('sends a correlation id back and keeps a sane one the caller chose', async () => {
    const res = await callRoute(healthRoute, { headers: { 'x-correlation-id': 'abc-123' } });
    expect(res.headers['x-correlation-id']).toBe('abc-123');
    const other = await callRoute(healthRoute, { headers: { 'x-correlation-id': 'bad\nvalue' } });
    expect(other.headers['x-correlation-id']).not.toContain('\n');
    expect(other.headers['x-correlation-id']).toBeTruthy();
  });
});

describe('users admin', () => {
  it('creates, lists, updates and deletes users, auditing each change', async () => {
    const admin = await userWithRole('admin');
    const created = await callRoute(createUserRoute, {
      token: admin.token,
      body: {
        email: 'Automation@Example.net',
        password: 'a long enough password',
        name: 'CI robot',
        role: 'operator',
      },
    });
    expect(created.status).toBe(201);
    expect(created.json.email).toBe('automation@example.net');
    const dup = await callRoute(createUserRoute, {
      token: admin.token,
      body: {
        email: 'automation@example.net',
        password: 'a long enough password',
        name: 'again',
        role: 'viewer',
      },
    });
    expect(dup.status).toBe(409);

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const query: RouteQuery<typeof listUsersRoute> = cursor ? { limit: 2, cursor } : { limit: 2 };
      const page = await callRoute(listUsersRoute, { token: admin.token, query });
      expect(page.status).toBe(200);
      listed.push(...page.json.data.map((u: { email: string }) => u.email));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(listed).toContain('automation@example.net');

    const patched = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: created.json.id },
      body: { role: 'viewer' },
    });
    expect(patched.json.role).toBe('viewer');
    const removed = await callRoute(deleteUserRoute, { token: admin.token, params: { id: created.json.id } });
    expect(removed.status).toBe(204);
    const gone = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: created.json.id },
      body: { role: 'viewer' },
    });
    expect(gone.status).toBe(404);

    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: admin.user.id } });
    expect(audit.status).toBe(200);
    const ops = audit.json.data.map((e: { operation: string }) => e.operation);
    expect(ops).toEqual(['deleteUser', 'updateUser', 'createUser']);
    expect(audit.json.data[0]).toMatchObject({
      target: `users/${created.json.id}`,
      result: 'success',
      status: 204,
    });
  });

  it('keeps the last enabled admin', async () => {
    const admin = await userWithRole('admin');
    const res = await callRoute(deleteUserRoute, { token: admin.token, params: { id: admin.user.id } });
    expect(res.status).toBe(409);
  });

  it('refuses a cursor from another list', async () => {
    const admin = await userWithRole('admin');
    const forged = Buffer.from(JSON.stringify({ gsi1pk: 'AUDIT', gsi1sk: 'x', pk: 'a', sk: 'b' })).toString(
      'base64url',
    );
    const res = await callRoute(listUsersRoute, { token: admin.token, query: { cursor: forged } });
    expect(res.status).toBe(422);
  });
});
