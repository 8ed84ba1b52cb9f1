import { StorageError } from './errors';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type * as z from '../zod';

/** One write of a DynamoDB transaction, as the stores build them for their callers to combine. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Thrown when a stored item does not match its schema: a bug or a corrupted item, never user input. */
export class CorruptItemError extends StorageError {
  constructor(kind: string, key: string, issues: string, cause?: unknown) {
    super(`stored ${kind} ${key} does not match its schema: ${issues}`, cause);
  }
}

/** Parse an item read from the table; every repository reads through this. */
export function parseItem<T extends z.ZodMiniType>(
  schema: T,
  kind: string,
  item: Record<string, unknown>,
): z.infer<T> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new CorruptItemError(kind, `${String(item.pk)}/${String(item.sk)}`, issues);
  }
  return parsed.data;
}

/** Strip the storage keys from an item before it leaves the storage layer. */
export function withoutKeys<T extends Record<string, unknown>>(
  item: T,
): Omit<T, 'pk' | 'sk' | `gsi${number}${'pk' | 'sk'}`> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (k === 'pk' || k === 'sk' || /^gsi\d+(pk|sk)$/.test(k) || k === 'entity') continue;
    out[k] = v;
  }
  return out as Omit<T, 'pk' | 'sk' | `gsi${number}${'pk' | 'sk'}`>;
}

export function isConditionFailure(err: unknown): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  const name = (err as { name?: string } | null)?.name;
  if (name === 'ConditionalCheckFailedException') return true;
  if (name === 'TransactionCanceledException') {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return false;
}
