import { describe, expect, it, vi } from 'vitest';
import { callRoute, userWithRole } from '../support/api';
import { resetConfig } from '../../shared/platform/config';
import { deleteUserRoute, updateUserRoute } from '../../shared/users/routes';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { KEYS } from '../../shared/platform/storage/keys';
import { type StoredUser, updateUser, usersRepository } from '../../shared/users';
import { removeAllUsers } from '../support/users';

// Each round reads the admins as they are now, not as the authorizer saw them a moment ago.
vi.hoisted(() => {
  process.env.AUTH_USER_CACHE_SECONDS = '0';
});
resetConfig();

const ROUNDS = 6;

async function allUsers(): Promise<StoredUser[]> {
  const users: StoredUser[] = [];
  let cursor: string | undefined;
  do {
    const page = await usersRepository.list(100, cursor);
    users.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return users;
}

const enabledAdmins = async () => (await allUsers()).filter((u) => u.role === 'admin' && !u.disabled);

/** Two fresh admins, and no other enabled admin left in the table. */
async function exactlyTwoAdmins() {
  const a = await userWithRole('admin');
  const b = await userWithRole('admin');
  for (const other of await enabledAdmins()) {
    if (other.id !== a.user.id && other.id !== b.user.id) await updateUser(other.id, { role: 'viewer' });
  }
  expect((await enabledAdmins()).map((u) => u.id).sort()).toEqual([a.user.id, b.user.id].sort());
  return { a, b };
}

type Admin = Awaited<ReturnType<typeof userWithRole>>;

const demote = (by: Admin, target: Admin) =>
  callRoute(updateUserRoute, { token: by.token, params: { id: target.user.id }, body: { role: 'viewer' } });
const disable = (by: Admin, target: Admin) =>
  callRoute(updateUserRoute, { token: by.token, params: { id: target.user.id }, body: { disabled: true } });
const remove = (by: Admin, target: Admin) =>
  callRoute(deleteUserRoute, { token: by.token, params: { id: target.user.id } });

describe('the last enabled admin, under concurrent changes', () => {
  const cases: [string, (a: Admin, b: Admin) => Promise<{ status: number }>[]][] = [
    ['two admins demoting each other', (a, b) => [demote(a, b), demote(b, a)]],
    ['one demoting while the other disables', (a, b) => [demote(a, b), disable(b, a)]],
    ['one deleting while the other demotes', (a, b) => [remove(a, b), demote(b, a)]],
  ];

  for (const [name, race] of cases) {
    it(`lets exactly one of ${name} through, ${ROUNDS} rounds`, { timeout: 240_000 }, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const { a, b } = await exactlyTwoAdmins();
        const results = await Promise.all(race(a, b));
        const statuses = results.map((r) => r.status).sort();
        expect(
          statuses.filter((s) => s < 300),
          `round ${round}`,
        ).toHaveLength(1);
        expect(
          statuses.filter((s) => s === 409),
          `round ${round}`,
        ).toHaveLength(1);
        expect(await enabledAdmins(), `round ${round}`).toHaveLength(1);
      }
    });
  }

  it('still refuses to remove the one admin left, one change at a time', async () => {
    const { a, b } = await exactlyTwoAdmins();
    expect((await demote(a, b)).status).toBe(200);
    const self = await callRoute(updateUserRoute, {
      token: a.token,
      params: { id: a.user.id },
      body: { disabled: true },
    });
    expect(self.status).toBe(409);
    expect((await enabledAdmins()).map((u) => u.id)).toEqual([a.user.id]);
  });

  it('counts the admins of a table stored before the counter on its first change', async () => {
    await removeAllUsers();
    const { a, b } = await exactlyTwoAdmins();
    await ddb().send(new DeleteCommand({ TableName: tableName(), Key: KEYS.adminCount.key({}) }));
    expect(await usersRepository.countAdmins()).toBe(2);
    expect((await demote(a, b)).status).toBe(200);
    expect((await demote(b, a)).status).toBe(401);
    const self = await callRoute(updateUserRoute, {
      token: a.token,
      params: { id: a.user.id },
      body: { role: 'operator' },
    });
    expect(self.status).toBe(409);
    expect(await usersRepository.countAdmins()).toBe(1);
  });
});
