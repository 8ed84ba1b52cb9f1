import { BatchExecuteStatementCommand, BatchWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure } from '../platform/storage/items';
import type { StoredSession, PolledSessionFields } from './sessions-store';
import { lifecycleUpdate, polledItem, type PolledRead, sessionKey } from './sessions-store';

/**
 * A poll's writes of many sessions at once, apart from the sessions' store so that only the polling
 * function bundles the PartiQL and batch-write commands (see `savePolled` for what one write is).
 */

/**
 * The same write as `lifecycleUpdate`, as a PartiQL statement for a batch: the WHERE clause names
 * the item by its key and carries the same conditions (PartiQL never creates an item by UPDATE, and
 * a session that is gone fails the conditions anyway).
 */
function lifecycleStatement(read: PolledRead, next: StoredSession['state']) {
  const key = sessionKey(read.id);
  return {
    Statement:
      `UPDATE "${tableName()}" SET "state" = ? WHERE "pk" = ? AND "sk" = ? ` +
      `AND "resource_id" = ? AND "peer_ipaddr" = ? AND "state" = ?`,
    Parameters: [next, key.pk, key.sk, read.resource_id, read.peer_ipaddr, read.state],
  };
}

/** Puts items, 25 to a request, again what DynamoDB left unprocessed (with a growing pause). */
async function putAll(items: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, unknown>[] = items
      .slice(i, i + 25)
      .map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      const out = await ddb().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: requests as never } }),
      );
      requests = (out.UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
      if (requests.length === 0) break;
      if (attempt >= 8) throw new Error('DynamoDB left polled session items unwritten');
      await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
}

/**
 * `savePolled` of many sessions: the lifecycle moves 25 to a PartiQL batch (each statement with
 * its own conditions, none transactional), then the polled items 25 to a BatchWriteItem. For each
 * write, in order: written, or not (the session moved on); and the write requests made.
 */
export async function savePolledBatch(
  writes: readonly { read: PolledRead; polled: PolledSessionFields }[],
): Promise<{ written: boolean[]; requests: number }> {
  const written = writes.map(() => true);
  let requests = 0;
  const moving = writes.flatMap((w, i) => (w.polled.state !== w.read.state ? [i] : []));
  for (let start = 0; start < moving.length; start += 25) {
    const chunk = moving.slice(start, start + 25);
    requests += 1;
    const out = await ddb().send(
      new BatchExecuteStatementCommand({
        Statements: chunk.map((i) => lifecycleStatement(writes[i]!.read, writes[i]!.polled.state)),
      }),
    );
    for (const [k, i] of chunk.entries()) {
      const error = out.Responses?.[k]?.Error;
      if (!error) continue;
      if (error.Code === 'ConditionalCheckFailed') {
        written[i] = false;
        continue;
      }
      // Refused for another reason (throttled, say): once more on its own, with the SDK's retries.
      requests += 1;
      try {
        await ddb().send(new UpdateCommand(lifecycleUpdate(writes[i]!.read, writes[i]!.polled.state)));
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        written[i] = false;
      }
    }
  }
  const items = writes.flatMap((w, i) => (written[i] ? [polledItem(w.read, w.polled)] : []));
  await putAll(items);
  return { written, requests: requests + Math.ceil(items.length / 25) };
}
