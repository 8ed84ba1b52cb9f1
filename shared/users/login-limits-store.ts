import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS, emailKey } from '../platform/storage/keys';
import { TTL_ATTRIBUTE } from '../platform/storage/table';

/**
 * The login budgets: counters of password guesses in a fixed window that opens with the first guess.
 * A guess is reserved by one conditional update before the password is checked, so no number of
 * parallel requests gets more guesses than the budget holds.
 */
export interface BudgetKey {
  key: { pk: string; sk: string };
  entity: string;
}

export const accountBudget = (email: string): BudgetKey => ({
  key: KEYS.loginAccount.key({ email: emailKey(email) }),
  entity: KEYS.loginAccount.entity,
});

export const knownSourceBudget = (email: string, source: string): BudgetKey => ({
  key: KEYS.loginKnownSource.key({ email: emailKey(email), source }),
  entity: KEYS.loginKnownSource.entity,
});

export const addressBudget = (source: string): BudgetKey => ({
  key: KEYS.loginAddress.key({ source }),
  entity: KEYS.loginAddress.entity,
});

export interface BudgetRule {
  max: number;
  windowSeconds: number;
}

/** A reserved guess: the window it was counted in, and the failures in a row before it. */
export interface Reservation {
  windowStart: number;
  failuresInARow: number;
}

export type ReserveResult = { reserved: Reservation } | { retryAfterSeconds: number };

const BudgetSchema = z.object({
  window_start: z.number(),
  guesses: z.number(),
  failures_in_a_row: z.optional(z.number()),
  not_before: z.optional(z.number()),
});
type Budget = z.infer<typeof BudgetSchema>;

async function readBudget(budget: BudgetKey): Promise<Budget | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: budget.key, ConsistentRead: true }),
  );
  return out.Item ? parseItem(BudgetSchema, budget.entity, withoutKeys(out.Item)) : undefined;
}

const reservationOf = (attributes: Record<string, unknown> | undefined): Reservation => {
  const b = parseItem(BudgetSchema, 'login budget', withoutKeys(attributes ?? {}));
  return { windowStart: b.window_start, failuresInARow: b.failures_in_a_row ?? 0 };
};

/** The delay condition: a budget with `not_before` in the future takes no guess yet. */
const NOT_DELAYED = '(attribute_not_exists(not_before) OR not_before <= :now)';

export const loginBudgets = {
  /**
   * Counts one guess if the budget has room and no delay is running: in the open window, or in a
   * new one when the last has ended. Otherwise says how long until it would.
   */
  async reserve(budget: BudgetKey, rule: BudgetRule, nowSeconds: number): Promise<ReserveResult> {
    const floor = nowSeconds - rule.windowSeconds;
    // A few rounds at most: each lost round means another request moved the window meanwhile.
    for (let round = 0; round < 5; round++) {
      try {
        const out = await ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: budget.key,
            UpdateExpression: 'ADD guesses :one',
            ConditionExpression: `attribute_exists(pk) AND window_start > :floor AND guesses < :max AND ${NOT_DELAYED}`,
            ExpressionAttributeValues: { ':one': 1, ':floor': floor, ':max': rule.max, ':now': nowSeconds },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { reserved: reservationOf(out.Attributes) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      const current = await readBudget(budget);
      if (current?.not_before !== undefined && current.not_before > nowSeconds) {
        return { retryAfterSeconds: current.not_before - nowSeconds };
      }
      if (current && current.window_start > floor) {
        if (current.guesses >= rule.max) {
          return { retryAfterSeconds: current.window_start + rule.windowSeconds - nowSeconds };
        }
        continue;
      }
      try {
        const out = await ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: budget.key,
            UpdateExpression: 'SET window_start = :now, guesses = :one, #ttl = :expires, entity = :entity',
            ConditionExpression: `(attribute_not_exists(pk) OR window_start <= :floor) AND ${NOT_DELAYED}`,
            ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':now': nowSeconds,
              ':one': 1,
              ':floor': floor,
              ':expires': nowSeconds + rule.windowSeconds,
              ':entity': budget.entity,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return { reserved: reservationOf(out.Attributes) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    return { retryAfterSeconds: 1 };
  },

  /** Gives a guess back (it was right, or another budget refused it), in the window it was taken from. */
  async release(budget: BudgetKey, reservation: Reservation): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: budget.key,
          UpdateExpression: 'ADD guesses :minus',
          ConditionExpression: 'window_start = :start AND guesses > :zero',
          ExpressionAttributeValues: { ':minus': -1, ':start': reservation.windowStart, ':zero': 0 },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },

  /**
   * A wrong guess from a budget that slows down rather than stops: one more failure in a row, and no
   * guess before `nowSeconds + delayOf(failures)` (the delay only ever grows until a success).
   */
  async recordFailure(
    budget: BudgetKey,
    nowSeconds: number,
    delayOf: (failuresInARow: number) => number,
    expiresAt: number,
  ): Promise<void> {
    const out = await ddb()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: budget.key,
          UpdateExpression: 'ADD failures_in_a_row :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      )
      .catch((err: unknown) => {
        if (isConditionFailure(err)) return undefined;
        throw err;
      });
    const failures = Number(out?.Attributes?.failures_in_a_row ?? 0);
    if (failures === 0) return;
    const notBefore = nowSeconds + delayOf(failures);
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: budget.key,
          UpdateExpression: 'SET not_before = :t, #ttl = :expires',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(not_before) OR not_before < :t)',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':t': notBefore, ':expires': Math.max(expiresAt, notBefore) },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },

  /** A right guess from a slowing budget: the failures in a row and the delay end. */
  async clearFailures(budget: BudgetKey): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: budget.key,
          UpdateExpression: 'REMOVE failures_in_a_row, not_before',
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },
};

/** The addresses (keyed hashes) a user logged in from, newest first, each with its last success. */
const KnownSourcesSchema = z.object({
  sources: z.array(z.object({ source: z.string(), at: z.number() })),
  rev: z.number(),
});
export type KnownSource = { source: string; at: number };

const knownSourcesKey = (userId: string) => KEYS.loginSources.key({ user: userId });

export const knownSources = {
  async get(userId: string): Promise<{ sources: KnownSource[]; rev: number }> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: knownSourcesKey(userId), ConsistentRead: true }),
    );
    if (!out.Item) return { sources: [], rev: 0 };
    return parseItem(KnownSourcesSchema, KEYS.loginSources.entity, withoutKeys(out.Item));
  },

  /**
   * Replaces the list if nobody changed it since it was read at `rev`; false when somebody did.
   * The item expires with its newest entry.
   */
  async put(userId: string, sources: KnownSource[], rev: number, expiresAt: number): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: knownSourcesKey(userId),
          UpdateExpression: 'SET sources = :sources, rev = :next, #ttl = :expires, entity = :entity',
          ConditionExpression: rev === 0 ? 'attribute_not_exists(pk)' : 'rev = :rev',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':sources': sources,
            ':next': rev + 1,
            ':expires': expiresAt,
            ':entity': KEYS.loginSources.entity,
            ...(rev === 0 ? {} : { ':rev': rev }),
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  async remove(userId: string): Promise<void> {
    await ddb().send(new DeleteCommand({ TableName: tableName(), Key: knownSourcesKey(userId) }));
  },
};
