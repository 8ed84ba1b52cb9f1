import { describe, expect, it, vi } from 'vitest';
import { call, callRoute, tableSnapshot, userWithRole } from '../support/api';
import { resetConfig } from '../../shared/platform/config';
import { auditRoute } from '../../shared/system/routes';
import {
  deleteUserRoute,
  loginRoute,
  logoutRoute,
  meRoute,
  updateMeRoute,
  updateUserRoute,
} from '../../shared/users/routes';

// The authorizer may trust what it read for a few seconds (`AUTH_USER_CACHE_SECONDS`); these tests
// prove what happens once that window is over, so they read the user on every request.
vi.hoisted(() => {
  process.env.AUTH_USER_CACHE_SECONDS = '0';
});
resetConfig();

async function opens(token: string): Promise<number> {
  return (await callRoute(meRoute, { token })).status;
}

describe('revocation', () => {
  it('ends the tokens issued before an admin changes the password', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('operator');
    expect(await opens(target.token)).toBe(200);
    const res = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: target.user.id },
      body: { password: 'a brand new password' },
    });
    expect(res.status).toBe(200);
    expect(await opens(target.token)).toBe(401);
    const again = await callRoute(loginRoute, {
      body: { email: target.email, password: 'a brand new password' },
    });
    expect(again.status).toBe(200);
    expect(await opens(again.json.token)).toBe(200);
  });

  it('ends the tokens issued before a disable, even after the user is enabled again', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('viewer');
    expect(await opens(target.token)).toBe(200);
    for (const disabled of [true, false]) {
      const res = await callRoute(updateUserRoute, {
        token: admin.token,
        params: { id: target.user.id },
        body: { disabled },
      });
      expect(res.status).toBe(200);
    }
    expect(await opens(target.token)).toBe(401);
    const again = await callRoute(loginRoute, { body: { email: target.email, password: target.password } });
    expect(await opens(again.json.token)).toBe(200);
  });

  it('ends the tokens issued before a role change', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('operator');
    expect(await opens(target.token)).toBe(200);
    const res = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: target.user.id },
      body: { role: 'viewer' },
    });
    expect(res.status).toBe(200);
    expect(await opens(target.token)).toBe(401);
  });

  it('keeps the tokens through a change of name', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('operator');
    const res = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: target.user.id },
      body: { name: 'Renamed' },
    });
    expect(res.status).toBe(200);
    expect(await opens(target.token)).toBe(200);
  });

  it('ends the tokens of a deleted user', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('operator');
    expect(await opens(target.token)).toBe(200);
    const res = await callRoute(deleteUserRoute, { token: admin.token, params: { id: target.user.id } });
    expect(res.status).toBe(204);
    expect(await opens(target.token)).toBe(401);
  });

  it('logs out the calling token only', async () => {
    const me = await userWithRole('viewer');
    const other = await callRoute(loginRoute, { body: { email: me.email, password: me.password } });
    expect(await opens(me.token)).toBe(200);
    const out = await callRoute(logoutRoute, { token: me.token });
    expect(out.status).toBe(204);
    expect(await opens(me.token)).toBe(401);
    expect((await callRoute(logoutRoute, { token: me.token })).status).toBe(401);
    expect(await opens(other.json.token)).toBe(200);
  });
});

describe('PATCH /users/me', () => {
  it('changes the own name and password with the current password, ending the older tokens', async () => {
    const me = await userWithRole('viewer');
    const res = await callRoute(updateMeRoute, {
      token: me.token,
      body: { name: 'New Name', password: 'my new long password', current_password: me.password },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: me.user.id, name: 'New Name', role: 'viewer' });
    expect(res.json).not.toHaveProperty('password_hash');
    expect(await opens(me.token)).toBe(401);
    const old = await callRoute(loginRoute, { body: { email: me.email, password: me.password } });
    expect(old.status).toBe(401);
    const fresh = await callRoute(loginRoute, {
      body: { email: me.email, password: 'my new long password' },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.json.user.name).toBe('New Name');
  });

  it('changes the own name alone without ending the token', async () => {
    const me = await userWithRole('operator');
    const res = await callRoute(updateMeRoute, { token: me.token, body: { name: 'Just a rename' } });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe('Just a rename');
    expect(await opens(me.token)).toBe(200);
  });

  it('refuses a wrong current password and changes nothing but the login budgets it spends', async () => {
    const me = await userWithRole('operator');
    // A wrong current password is a login guess: it spends the budgets (login-limits.test.ts).
    const notBudget = (items: string[]) => items.filter((i) => !/"entity":"login-/.test(i));
    const before = await tableSnapshot();
    const res = await callRoute(updateMeRoute, {
      token: me.token,
      body: { name: 'Hijacked', password: 'attacker password', current_password: 'not my password' },
    });
    expect(res.status).toBe(403);
    const after = await tableSnapshot();
    expect(notBudget(after)).toEqual(notBudget(before));
    expect(after.length).toBeGreaterThan(notBudget(after).length);
    expect(await opens(me.token)).toBe(200);
  });

  it('needs the current password to change the password, and a password the policy accepts', async () => {
    const me = await userWithRole('operator');
    const before = await tableSnapshot();
    const missing = await call('PATCH', '/users/me', {
      token: me.token,
      body: { password: 'another password' },
    });
    expect(missing.status).toBe(422);
    const short = await call('PATCH', '/users/me', {
      token: me.token,
      body: { password: 'short', current_password: me.password },
    });
    expect(short.status).toBe(422);
    const role = await call('PATCH', '/users/me', { token: me.token, body: { role: 'admin' } });
    expect(role.status).toBe(422);
    expect(await tableSnapshot()).toEqual(before);
  });
});

describe('the audit of user changes', () => {
  it('names the fields an update changed, role and disabled from -> to, never a secret', async () => {
    const admin = await userWithRole('admin');
    const target = await userWithRole('operator');
    const res = await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: target.user.id },
      body: { name: 'Renamed', role: 'viewer', password: 'a secret new password', disabled: false },
    });
    expect(res.status).toBe(200);
    await callRoute(updateUserRoute, {
      token: admin.token,
      params: { id: target.user.id },
      body: { disabled: true },
    });
    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: admin.user.id } });
    expect(audit.json.data.map((e: { result: string }) => e.result)).toEqual([
      'changed: disabled (false -> true)',
      'changed: name, role (operator -> viewer), password',
    ]);
    expect(JSON.stringify(audit.json)).not.toContain('a secret new password');
  });

  it('records a logout and a change of the own account', async () => {
    const admin = await userWithRole('admin');
    const me = await userWithRole('admin');
    await callRoute(updateMeRoute, {
      token: me.token,
      body: { name: 'Me again', password: 'my new long password', current_password: me.password },
    });
    const fresh = await callRoute(loginRoute, {
      body: { email: me.email, password: 'my new long password' },
    });
    await callRoute(logoutRoute, { token: fresh.json.token });
    const audit = await callRoute(auditRoute, { token: admin.token, query: { user_id: me.user.id } });
    expect(
      audit.json.data.map((e: { operation: string; result: string; target: string }) => [
        e.operation,
        e.target,
        e.result,
      ]),
    ).toEqual([
      ['logout', `users/${me.user.id}`, 'logged out'],
      ['updateMe', `users/${me.user.id}`, 'changed: name, password'],
    ]);
  });
});
