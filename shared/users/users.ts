import type { UserRole } from '../platform/auth/caller';
import { loadSigningKey } from '../platform/auth/keys';
import {
  dummyHash,
  hashPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  verifyPassword,
} from '../platform/auth/passwords';
import { issueToken } from '../platform/auth/tokens';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../platform/errors';
import { knownSources } from './login-limits-store';
import { reserveGuess } from './login-limits';
import {
  AdminCountError,
  EmailTakenError,
  normalizeEmail,
  type StoredUser,
  UserChangedError,
  usersRepository,
} from './users-store';

export type PublicUser = Omit<StoredUser, 'password_hash' | 'token_generation'>;

export function toPublicUser({
  password_hash: _secret,
  token_generation: _generation,
  ...user
}: StoredUser): PublicUser {
  return user;
}

const tokenSubject = (user: StoredUser) => ({
  userId: user.id,
  role: user.role,
  generation: user.token_generation,
});

const BAD_CREDENTIALS = 'Invalid email or password';

/**
 * A token for an existing, enabled user without its password: for the operator of a local
 * deployment (`npm run token`), who holds the signing key anyway. Never reachable through the API.
 */
export async function issueTokenFor(email: string, now = new Date()) {
  const user = await usersRepository.getByEmail(email);
  if (!user || user.disabled) throw new NotFoundError(`No enabled user ${email}`);
  const issued = issueToken(await loadSigningKey(), tokenSubject(user), now);
  return { token: issued.token, expires_at: issued.expiresAt.toISOString(), user: toPublicUser(user) };
}

/**
 * Login. An unknown email, a wrong password and a disabled user get the same answer after the same
 * work, so nobody can learn which accounts exist. The guess is counted before the password is
 * checked (`login-limits.ts`): a spent budget refuses even the right password.
 */
export async function login(
  email: string,
  password: string,
  options: { sourceIp?: string; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const user = await usersRepository.getByEmail(email);
  const guess = await reserveGuess(email, user?.id, options.sourceIp, now);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  if (!user || !ok || user.disabled) {
    await guess.failed();
    throw new UnauthorizedError(BAD_CREDENTIALS);
  }
  await guess.succeeded(user.id);
  const issued = issueToken(await loadSigningKey(), tokenSubject(user), now);
  return {
    token: issued.token,
    token_type: 'Bearer' as const,
    expires_at: issued.expiresAt.toISOString(),
    user: toPublicUser(user),
  };
}

const LAST_ADMIN = 'This is the last enabled admin; make another admin first';

export async function createUser(
  input: { email: string; password: string; name: string; role: UserRole },
  opts: { onlyFirstAdmin?: boolean } = {},
) {
  const now = new Date().toISOString();
  const user: StoredUser = {
    id: crypto.randomUUID(),
    email: normalizeEmail(input.email),
    name: input.name,
    role: input.role,
    disabled: false,
    password_hash: await hashPassword(input.password),
    created: now,
    modified: now,
    token_generation: 0,
  };
  try {
    await usersRepository.create(user, opts);
  } catch (err) {
    if (err instanceof EmailTakenError) throw new ConflictError('A user with this email already exists');
    throw err;
  }
  return toPublicUser(user);
}

export async function getUser(id: string): Promise<StoredUser> {
  const user = await usersRepository.get(id);
  if (!user) throw new NotFoundError(`No user ${id}`);
  return user;
}

export type UserChanges = {
  email?: string;
  password?: string;
  name?: string;
  role?: UserRole;
  disabled?: boolean;
};

/** The changes that end the user's tokens: whoever held them may no longer hold what they gave. */
const endsTokens = (before: StoredUser, changes: UserChanges) =>
  changes.password !== undefined ||
  (changes.role !== undefined && changes.role !== before.role) ||
  (changes.disabled !== undefined && changes.disabled !== before.disabled);

/**
 * What an update changed, for the audit: the names of the fields, role and disabled with their
 * values before and after, a password only by name.
 */
export function describeChanges(before: StoredUser, changes: UserChanges): string {
  const changed: string[] = [];
  if (changes.name !== undefined && changes.name !== before.name) changed.push('name');
  if (changes.email !== undefined && normalizeEmail(changes.email) !== normalizeEmail(before.email)) {
    changed.push('email');
  }
  if (changes.role !== undefined && changes.role !== before.role) {
    changed.push(`role (${before.role} -> ${changes.role})`);
  }
  if (changes.disabled !== undefined && changes.disabled !== before.disabled) {
    changed.push(`disabled (${before.disabled} -> ${changes.disabled})`);
  }
  if (changes.password !== undefined) changed.push('password');
  return changed.length > 0 ? `changed: ${changed.join(', ')}` : 'changed: nothing';
}

/** How often a change is judged again when the user changed between its read and its write. */
const UPDATE_ATTEMPTS = 3;

/**
 * Changes a user. The last enabled admin cannot be demoted or disabled: the rule is a condition of
 * the write itself (the admin counter), so two admins demoting each other at once cannot both win.
 * A password, role or disabled change ends the user's earlier tokens.
 */
export async function updateUser(
  id: string,
  changes: UserChanges,
): Promise<{ user: PublicUser; changed: string }> {
  const { password, email, ...rest } = changes;
  const passwordHash = password !== undefined ? await hashPassword(password) : undefined;
  for (let attempt = 1; ; attempt++) {
    const before = await getUser(id);
    try {
      const next = await usersRepository.update(
        before,
        {
          ...rest,
          ...(email !== undefined ? { email: normalizeEmail(email) } : {}),
          ...(passwordHash !== undefined ? { password_hash: passwordHash } : {}),
        },
        { endTokens: endsTokens(before, changes) },
      );
      return { user: toPublicUser(next), changed: describeChanges(before, changes) };
    } catch (err) {
      if (err instanceof UserChangedError && attempt < UPDATE_ATTEMPTS) continue;
      throw userWriteError(err);
    }
  }
}

function userWriteError(err: unknown): unknown {
  if (err instanceof AdminCountError) return new ConflictError(LAST_ADMIN);
  if (err instanceof EmailTakenError) return new ConflictError('A user with this email already exists');
  if (err instanceof UserChangedError)
    return new ConflictError('The user changed meanwhile; reload and retry');
  return err;
}

/**
 * Any user's change of their own name and password. A new password needs the current one (403
 * when it is wrong, with nothing changed), and ends the user's earlier tokens, this one included.
 * The current password is a login guess like any other: it spends the same budgets, so a stolen
 * token cannot be used to try passwords faster than the login route allows.
 */
export async function updateOwnAccount(
  userId: string,
  changes: { name?: string; password?: string; current_password?: string },
  options: { sourceIp?: string; now?: Date } = {},
): Promise<{ user: PublicUser; changed: string }> {
  const before = await getUser(userId);
  if (changes.password !== undefined) {
    const guess = await reserveGuess(before.email, before.id, options.sourceIp, options.now ?? new Date());
    const ok = await verifyPassword(changes.current_password ?? '', before.password_hash);
    if (!ok) {
      await guess.failed();
      throw new ForbiddenError('The current password is not right');
    }
    await guess.succeeded(before.id, { remember: false });
  }
  const own: UserChanges = {
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.password !== undefined ? { password: changes.password } : {}),
  };
  try {
    const next = await usersRepository.update(
      before,
      {
        ...(own.name !== undefined ? { name: own.name } : {}),
        ...(own.password !== undefined ? { password_hash: await hashPassword(own.password) } : {}),
      },
      { endTokens: endsTokens(before, own) },
    );
    return { user: toPublicUser(next), changed: describeChanges(before, own) };
  } catch (err) {
    throw userWriteError(err);
  }
}

/** Ends the calling token alone: the user's other tokens (other devices, other scripts) go on. */
export async function logout(token: { tokenId: string; expiresAt: number }): Promise<void> {
  await usersRepository.revokeToken(token.tokenId, token.expiresAt);
}

export async function deleteUser(id: string, callerId: string) {
  const user = await getUser(id);
  if (user.id === callerId) throw new ConflictError('You cannot delete yourself');
  try {
    await usersRepository.remove(user);
  } catch (err) {
    throw userWriteError(err);
  }
  await knownSources.remove(user.id);
}

/** The name the bootstrap admin is created with: a role, not a person, until an admin renames it. */
export const BOOTSTRAP_ADMIN_NAME = 'Administrator';

/**
 * The bootstrap admin (npm start, the stack's custom resource): created only while the deployment
 * has no enabled admin at all, so a later start without the same email never adds a second one; an
 * account that exists is left as it is. Its password must meet the policy like any other.
 */
export async function ensureAdmin(
  email: string,
  password: string,
): Promise<'created' | 'exists' | 'another-admin'> {
  // An account that exists is left alone, whatever password the start was given for it.
  if (await usersRepository.getByEmail(email)) return 'exists';
  if ((await usersRepository.countAdmins()) > 0) return 'another-admin';
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new Error(
      `the bootstrap admin's password must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters ` +
        `(the one given has ${password.length})`,
    );
  }
  try {
    // Only while there is still no enabled admin: two starts at once add one admin, not two.
    await createUser(
      { email, password, name: BOOTSTRAP_ADMIN_NAME, role: 'admin' },
      { onlyFirstAdmin: true },
    );
  } catch (err) {
    if (err instanceof AdminCountError) return 'another-admin';
    if (err instanceof ConflictError) return 'exists';
    throw err;
  }
  return 'created';
}
