import { StorageError } from '../platform/storage/errors';
import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { RoleSchema } from '../platform/auth/caller';
import { ddb, tableName } from '../platform/storage/client';
import { cancellationReasons, transactRetryingConflicts } from '../platform/storage/transact';
import { isConditionFailure, parseItem, type TransactItem, withoutKeys } from '../platform/storage/items';
import { TTL_ATTRIBUTE } from '../platform/storage/table';
import type { Page } from '../platform/storage/pagination';
import { queryCount, queryPage } from '../platform/storage/query';
import { claimUnique, moveUnique } from '../platform/storage/unique-values';
import { KEYS, emailKey } from '../platform/storage/keys';

export const StoredUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  disabled: z.boolean(),
  password_hash: z.string(),
  created: z.string(),
  modified: z.string(),
  /**
   * Raised by every change that ends the user's tokens (password, role, disabled); each token carries
   * the value it was issued at. Users stored before it existed are at 0, as are their tokens.
   */
  token_generation: z._default(z.number(), 0),
});
export type StoredUser = z.infer<typeof StoredUserSchema>;

export class EmailTakenError extends StorageError {
  constructor(cause?: unknown) {
    super('email already in use', cause);
  }
}

/** The change would leave no enabled admin (or, for the bootstrap admin, there is one already). */
export class AdminCountError extends StorageError {
  constructor(cause?: unknown) {
    super('the change would move the number of enabled admins where it may not go', cause);
  }
}

/** The user changed (or went) since it was read: the change was judged on what is no longer there. */
export class UserChangedError extends StorageError {
  constructor(cause?: unknown) {
    super('user changed meanwhile', cause);
  }
}

const ALL_USERS = KEYS.user.keys.gsi1.pk.build({});

export const normalizeEmail = emailKey;

const userKey = (id: string) => KEYS.user.key({ user: id });
const emailClaimKey = (email: string) => KEYS.userEmail.key({ email: normalizeEmail(email) });
const ADMIN_COUNT_KEY = KEYS.adminCount.key({});

function userItem(user: StoredUser) {
  return {
    ...userKey(user.id),
    ...KEYS.user.index('gsi1', { email: normalizeEmail(user.email) }),
    entity: KEYS.user.entity,
    ...user,
  };
}

export const isEnabledAdmin = (user: Pick<StoredUser, 'role' | 'disabled'>) =>
  user.role === 'admin' && !user.disabled;

/**
 * The counter of enabled admins moves in the same transaction as the user it counts. Removing one
 * needs another left (`admins > 1`); adding one needs the counter to exist, so it never starts
 * from a wrong count; `onlyFirst` adds one only where there is none (the bootstrap admin).
 */
function adminCountChange(delta: 1 | -1, onlyFirst = false): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: ADMIN_COUNT_KEY,
      UpdateExpression: 'ADD admins :delta',
      ConditionExpression:
        delta < 0 ? 'admins > :one' : onlyFirst ? 'admins = :zero' : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':delta': delta,
        ...(delta < 0 ? { ':one': 1 } : onlyFirst ? { ':zero': 0 } : {}),
      },
    },
  };
}

const adminDelta = (before: StoredUser | undefined, after: StoredUser | undefined) =>
  Number(after ? isEnabledAdmin(after) : false) - Number(before ? isEnabledAdmin(before) : false);

/** The user item as it was read: same `modified`, which every write moves forward. */
const unchangedSince = (user: StoredUser) => ({
  ConditionExpression: 'attribute_exists(pk) AND modified = :m',
  ExpressionAttributeValues: { ':m': user.modified },
});

/** A `modified` later than the one read, even within the same millisecond, so a condition on it is exact. */
function nextModified(previous: string): string {
  const now = Date.now();
  const last = Date.parse(previous);
  return new Date(Number.isNaN(last) ? now : Math.max(now, last + 1)).toISOString();
}

/**
 * A transaction of user writes. Two of them on the same items at once may be cancelled with
 * TransactionConflict rather than queued: it is sent again, and the conditions decide. A refused
 * condition throws what `refusedAt` names for the first refused item.
 */
async function transact(items: TransactItem[], refusedAt: (index: number) => Error): Promise<void> {
  try {
    await transactRetryingConflicts(items);
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const index = cancellationReasons(err).findIndex((r) => r.Code === 'ConditionalCheckFailed');
    throw refusedAt(Math.max(index, 0));
  }
}

export interface UsersRepository {
  get(id: string): Promise<StoredUser | undefined>;
  getByEmail(email: string): Promise<StoredUser | undefined>;
  /** `onlyFirstAdmin`: refused with AdminCountError when an enabled admin exists. */
  create(user: StoredUser, opts?: { onlyFirstAdmin?: boolean }): Promise<void>;
  /**
   * Writes `changes` over `current` as it was read (UserChangedError when it changed since); with
   * `endTokens` the user's earlier tokens stop working. AdminCountError when it would leave no
   * enabled admin, EmailTakenError when the new email is another user's.
   */
  update(
    current: StoredUser,
    changes: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'password_hash' | 'email'>>,
    opts?: { endTokens?: boolean },
  ): Promise<StoredUser>;
  /** Removes the user as it was read; the same errors as `update`. */
  remove(user: StoredUser): Promise<void>;
  list(limit: number, cursor?: string): Promise<Page<StoredUser>>;
  /** Enabled admins: the counter every change moves (the user list before there is one). */
  countAdmins(): Promise<number>;
  /** The user and whether this token was revoked, in one round trip (the authorizer's read). */
  getForToken(userId: string, tokenId: string): Promise<{ user: StoredUser | undefined; revoked: boolean }>;
  /** Ends one token before its expiry (epoch seconds); the item goes with the token's expiry. */
  revokeToken(tokenId: string, expiresAt: number): Promise<void>;
}

/** Counts the enabled admins in the user list (before the counter existed, or to check it). */
function countAdminsInList() {
  return queryCount({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    FilterExpression: '#role = :admin AND disabled = :no',
    ExpressionAttributeNames: { '#role': 'role' },
    ExpressionAttributeValues: { ':pk': ALL_USERS, ':admin': 'admin', ':no': false },
  });
}

/**
 * The admin counter, created from the user list where a table has users from before it: only
 * where it does not exist, so two first uses at once agree, and before any change that moves it
 * (those require it to exist), so the count it starts from is not changing under it.
 */
async function adminCount(): Promise<number> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: ADMIN_COUNT_KEY, ConsistentRead: true }),
  );
  if (out.Item) return Number(out.Item.admins);
  const admins = await countAdminsInList();
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...ADMIN_COUNT_KEY, entity: KEYS.adminCount.entity, admins },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return admins;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return adminCount(); // another first use wrote it
  }
}

const revokedKey = (tokenId: string) => KEYS.revokedToken.key({ token: tokenId });

export const usersRepository: UsersRepository = {
  async get(id) {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: userKey(id), ConsistentRead: true }),
    );
    return out.Item ? parseItem(StoredUserSchema, 'user', withoutKeys(out.Item)) : undefined;
  },

  async getByEmail(email) {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: emailClaimKey(email) }));
    const userId = out.Item?.user_id;
    return typeof userId === 'string' ? this.get(userId) : undefined;
  },

  async create(user, opts = {}) {
    const delta = adminDelta(undefined, user);
    if (delta !== 0) await adminCount();
    await transact(
      [
        claimUnique(emailClaimKey(user.email), KEYS.userEmail.entity, { user_id: user.id }),
        {
          Put: {
            TableName: tableName(),
            Item: userItem(user),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...(delta > 0 ? [adminCountChange(1, opts.onlyFirstAdmin)] : []),
      ],
      (index) => (index === 2 ? new AdminCountError() : new EmailTakenError()),
    );
  },

  async update(current, changes, opts = {}) {
    const next: StoredUser = {
      ...current,
      ...changes,
      modified: nextModified(current.modified),
      token_generation: current.token_generation + (opts.endTokens ? 1 : 0),
    };
    const delta = adminDelta(current, next);
    if (delta !== 0) await adminCount();
    const emailChanged = normalizeEmail(next.email) !== normalizeEmail(current.email);
    const items: TransactItem[] = [
      { Put: { TableName: tableName(), Item: userItem(next), ...unchangedSince(current) } },
      ...(delta !== 0 ? [adminCountChange(delta > 0 ? 1 : -1)] : []),
      ...(emailChanged
        ? moveUnique(emailClaimKey(current.email), emailClaimKey(next.email), KEYS.userEmail.entity, {
            user_id: current.id,
          })
        : []),
    ];
    await transact(items, (index) =>
      index === 0
        ? new UserChangedError()
        : delta !== 0 && index === 1
          ? new AdminCountError()
          : new EmailTakenError(),
    );
    return next;
  },

  async remove(user) {
    const delta = adminDelta(user, undefined);
    if (delta !== 0) await adminCount();
    await transact(
      [
        { Delete: { TableName: tableName(), Key: userKey(user.id), ...unchangedSince(user) } },
        { Delete: { TableName: tableName(), Key: emailClaimKey(user.email) } },
        ...(delta !== 0 ? [adminCountChange(-1)] : []),
      ],
      (index) => (index === 2 ? new AdminCountError() : new UserChangedError()),
    );
  },

  list(limit, cursor) {
    return queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': ALL_USERS },
      },
      { limit, cursor },
      { attribute: 'gsi1pk', value: ALL_USERS },
      (item) => parseItem(StoredUserSchema, 'user', withoutKeys(item)),
    );
  },

  async countAdmins() {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: ADMIN_COUNT_KEY, ConsistentRead: true }),
    );
    return out.Item ? Number(out.Item.admins) : countAdminsInList();
  },

  async getForToken(userId, tokenId) {
    const table = tableName();
    const out = await ddb().send(
      new BatchGetCommand({
        RequestItems: { [table]: { Keys: [userKey(userId), revokedKey(tokenId)], ConsistentRead: true } },
      }),
    );
    const got = [...(out.Responses?.[table] ?? [])];
    // A batch may leave keys unprocessed under load: read those one by one.
    const missing = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    for (const key of missing) {
      const one = await ddb().send(
        new GetCommand({ TableName: table, Key: key as { pk: string; sk: string }, ConsistentRead: true }),
      );
      if (one.Item) got.push(one.Item);
    }
    const userItemRead = got.find((item) => item.entity === KEYS.user.entity);
    const revokedItem = got.find((item) => item.entity === KEYS.revokedToken.entity);
    const nowSeconds = Math.floor(Date.now() / 1000);
    return {
      user: userItemRead ? parseItem(StoredUserSchema, 'user', withoutKeys(userItemRead)) : undefined,
      revoked: revokedItem !== undefined && Number(revokedItem[TTL_ATTRIBUTE]) > nowSeconds,
    };
  },

  async revokeToken(tokenId, expiresAt) {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...revokedKey(tokenId), entity: KEYS.revokedToken.entity, [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  },
};
