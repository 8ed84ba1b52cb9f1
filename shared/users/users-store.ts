import { StorageError } from '../platform/storage/errors';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { RoleSchema } from '../platform/auth/caller';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import type { Page } from '../platform/storage/pagination';
import { queryCount, queryPage } from '../platform/storage/query';
import { claimUnique, createClaimingUnique, moveUnique } from '../platform/storage/unique-values';
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
});
export type StoredUser = z.infer<typeof StoredUserSchema>;

export class EmailTakenError extends StorageError {
  constructor(cause?: unknown) {
    super('email already in use', cause);
  }
}

const ALL_USERS = KEYS.user.keys.gsi1.pk.build({});

export const normalizeEmail = emailKey;

const userKey = (id: string) => KEYS.user.key({ user: id });
const emailClaimKey = (email: string) => KEYS.userEmail.key({ email: normalizeEmail(email) });

function userItem(user: StoredUser) {
  return {
    ...userKey(user.id),
    ...KEYS.user.index('gsi1', { email: normalizeEmail(user.email) }),
    entity: KEYS.user.entity,
    ...user,
  };
}

export interface UsersRepository {
  get(id: string): Promise<StoredUser | undefined>;
  getByEmail(email: string): Promise<StoredUser | undefined>;
  create(user: StoredUser): Promise<void>;
  update(
    id: string,
    changes: Partial<Pick<StoredUser, 'name' | 'role' | 'disabled' | 'password_hash' | 'email'>>,
    previousEmail: string,
  ): Promise<StoredUser>;
  remove(user: StoredUser): Promise<void>;
  list(limit: number, cursor?: string): Promise<Page<StoredUser>>;
  countAdmins(): Promise<number>;
}

export const usersRepository: UsersRepository = {
  async get(id) {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: userKey(id) }));
    return out.Item ? parseItem(StoredUserSchema, 'user', withoutKeys(out.Item)) : undefined;
  },

  async getByEmail(email) {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: emailClaimKey(email) }));
    const userId = out.Item?.user_id;
    return typeof userId === 'string' ? this.get(userId) : undefined;
  },

  async create(user) {
    await createClaimingUnique(
      claimUnique(emailClaimKey(user.email), KEYS.userEmail.entity, { user_id: user.id }),
      userItem(user),
      () => new EmailTakenError(),
    );
  },

  async update(id, changes, previousEmail) {
    const current = await this.get(id);
    if (!current) throw new Error(`user ${id} vanished`);
    const next: StoredUser = { ...current, ...changes, modified: new Date().toISOString() };
    const emailChanged = normalizeEmail(next.email) !== normalizeEmail(previousEmail);
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tableName(),
                Item: userItem(next),
                ConditionExpression: 'attribute_exists(pk) AND modified = :m',
                ExpressionAttributeValues: { ':m': current.modified },
              },
            },
            ...(emailChanged
              ? moveUnique(emailClaimKey(previousEmail), emailClaimKey(next.email), KEYS.userEmail.entity, {
                  user_id: id,
                })
              : []),
          ],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new EmailTakenError(err);
      throw err;
    }
    return next;
  },

  async remove(user) {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: tableName(), Key: userKey(user.id) } },
          { Delete: { TableName: tableName(), Key: emailClaimKey(user.email) } },
        ],
      }),
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

  countAdmins() {
    return queryCount({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      FilterExpression: '#role = :admin AND disabled = :no',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':pk': ALL_USERS, ':admin': 'admin', ':no': false },
    });
  },
};
