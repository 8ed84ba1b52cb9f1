import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';

/**
 * The deployment's mail token bucket: one item, changed only by a conditional write on its version,
 * so every Lambda instance shares the same budget.
 */
const KEY = KEYS.sendRate.key({});
const BucketSchema = z.object({ tokens: z.number(), updated_ms: z.number(), version: z.int() });

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

const MAX_ATTEMPTS = 5;

export const sendRateRepository = {
  /** Takes one token at `ratePerSecond` (burst: one second's worth, at least one). */
  async take(ratePerSecond: number, nowMs: number): Promise<TakeResult> {
    const capacity = Math.max(1, ratePerSecond);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const out = await ddb().send(
        new GetCommand({ TableName: tableName(), Key: KEY, ConsistentRead: true }),
      );
      const bucket = out.Item ? parseItem(BucketSchema, 'send rate', withoutKeys(out.Item)) : undefined;
      const elapsed = bucket ? Math.max(0, nowMs - bucket.updated_ms) / 1000 : 0;
      const tokens = bucket ? Math.min(capacity, bucket.tokens + elapsed * ratePerSecond) : capacity;
      if (tokens < 1) return { ok: false, retryAfterSeconds: (1 - tokens) / ratePerSecond };
      try {
        await ddb().send(
          new PutCommand({
            TableName: tableName(),
            Item: {
              ...KEY,
              entity: KEYS.sendRate.entity,
              tokens: tokens - 1,
              updated_ms: Math.max(nowMs, bucket?.updated_ms ?? 0),
              version: (bucket?.version ?? 0) + 1,
            },
            ...(bucket
              ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': bucket.version } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
        return { ok: true };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    // Lost every race: the bucket is busy, which itself means the rate is being used up.
    return { ok: false, retryAfterSeconds: 1 / ratePerSecond };
  },
};
