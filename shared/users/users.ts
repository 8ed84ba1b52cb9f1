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
import { ConflictError, NotFoundError, TooManyRequestsError, UnauthorizedError } from '../platform/errors';
import {
  EmailTakenError,
  loginAttempts,
  normalizeEmail,
  type StoredUser,
  usersRepository,
} from './users-store';

export type PublicUser = Omit<StoredUser, 'password_hash'>;

export function toPublicUser({ password_hash: _secret, ...user }: StoredUser): PublicUser {
  return user;
}

const BAD_CREDENTIALS = 'Invalid email or password';

/**
 * A token for an existing, enabled user without its password: for the operator of a local
 * deployment (`npm run token`), who holds the signing key anyway. Never reachable through the API.
 */
export async function issueTokenFor(email: string, now = new Date()) {
  const user = await usersRepository.getByEmail(email);
  if (!user || user.disabled) throw new NotFoundError(`No enabled user ${email}`);
  const issued = issueToken(await loadSigningKey(), { userId: user.id, role: user.role }, now);
  return { token: issued.token, expires_at: issued.expiresAt.toISOString(), user: toPublicUser(user) };
}

/**
 * Login. An unknown email, a wrong password and a disabled user get the same answer after the same
 * work, so nobody can learn which accounts exist; ten failures in the window lock the email out.
 */
export async function login(email: string, password: string, now = new Date()) {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const lockedFor = await loginAttempts.lockedFor(email, nowSeconds);
  if (lockedFor > 0) throw new TooManyRequestsError('Too many failed logins; try again later', lockedFor);

  const user = await usersRepository.getByEmail(email);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
  if (!user || !ok || user.disabled) {
    await loginAttempts.recordFailure(email, nowSeconds);
    throw new UnauthorizedError(BAD_CREDENTIALS);
  }
  await loginAttempts.clear(email);
  const issued = issueToken(await loadSigningKey(), { userId: user.id, role: user.role }, now);
  return {
    token: issued.token,
    token_type: 'Bearer' as const,
    expires_at: issued.expiresAt.toISOString(),
    user: toPublicUser(user),
  };
}

export async function createUser(input: { email: string; password: string; name: string; role: UserRole }) {
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
  };
  try {
    await usersRepository.create(user);
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

/** The last enabled admin cannot be demoted, disabled or deleted: nobody could manage users again. */
async function guardLastAdmin(user: StoredUser, losesAdmin: boolean) {
  if (user.role === 'admin' && !user.disabled && losesAdmin && (await usersRepository.countAdmins()) <= 1) {
    throw new ConflictError('This is the last enabled admin; make another admin first');
  }
}

export async function updateUser(
  id: string,
  changes: { email?: string; password?: string; name?: string; role?: UserRole; disabled?: boolean },
) {
  const user = await getUser(id);
  await guardLastAdmin(
    user,
    (changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true,
  );
  const { password, email, ...rest } = changes;
  try {
    const next = await usersRepository.update(
      id,
      {
        ...rest,
        ...(email !== undefined ? { email: normalizeEmail(email) } : {}),
        ...(password !== undefined ? { password_hash: await hashPassword(password) } : {}),
      },
      user.email,
    );
    return toPublicUser(next);
  } catch (err) {
    if (err instanceof EmailTakenError) {
      throw new ConflictError('The user changed meanwhile, or the email is taken; reload and retry');
    }
    throw err;
  }
}

export async function deleteUser(id: string, callerId: string) {
  const user = await getUser(id);
  if (user.id === callerId) throw new ConflictError('You cannot delete yourself');
  await guardLastAdmin(user, true);
  await usersRepository.remove(user);
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
  await createUser({ email, password, name: BOOTSTRAP_ADMIN_NAME, role: 'admin' });
  return 'created';
}
