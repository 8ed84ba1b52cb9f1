import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, sleep } from '../concurrency';
import { ddb } from './client';
import type { TransactItem } from './items';

type CancellationReason = { Code?: string };

/** Why DynamoDB cancelled a transaction, item by item (empty for any other error). */
export function cancellationReasons(err: unknown): CancellationReason[] {
  return (err as { CancellationReasons?: CancellationReason[] } | null)?.CancellationReasons ?? [];
}

/** A transaction cancelled because another one held its items at that moment, not by a condition. */
export function isTransactionConflict(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'TransactionConflictException') return true;
  return (
    name === 'TransactionCanceledException' &&
    cancellationReasons(err).some((r) => r.Code === 'TransactionConflict')
  );
}

/**
 * A write transaction. Two transactions on the same items at once may be cancelled with
 * TransactionConflict rather than queued: it is sent again (at most eight times, with backoff), and
 * the conditions decide; any other failure, a refused condition included, is thrown as it came.
 */
export async function transactRetryingConflicts(items: TransactItem[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (err) {
      if (!isTransactionConflict(err) || attempt >= 8) throw err;
      await sleep(backoffDelay(attempt, { baseMs: 20, capMs: 640, jitter: 'full' }));
    }
  }
}
