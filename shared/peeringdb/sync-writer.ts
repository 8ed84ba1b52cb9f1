import { BatchWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import type { ObjectType } from './records';
import { ddb, tableName } from '../platform/storage/client';
import { type ItemKey, TYPE_LIST_SHARDS, typeListPartition } from './peeringdb-store';
import { queryPages } from '../platform/storage/query';
import { backoffDelay, sleep } from '../platform/concurrency';

/** What is stored of one object type: id -> its key and content hash (and ixlan's exchange). */
export interface StoredEntry {
  key: ItemKey;
  hash: string;
  ixId?: number;
}

/** Reads the per-type listing (gsi1), a few shards at a time, keys and hashes only. */
export async function loadStoredIndex(type: ObjectType): Promise<Map<number, StoredEntry>> {
  const index = new Map<number, StoredEntry>();
  const shards = Array.from({ length: TYPE_LIST_SHARDS }, (_, i) => i);
  await Promise.all(
    shards.map(async (shard) => {
      const pages = queryPages({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': typeListPartition(type, shard) },
        ProjectionExpression: 'pk, sk, id, h, ix_id',
      });
      for await (const out of pages) {
        for (const item of out.Items ?? []) {
          index.set(item.id as number, {
            key: { pk: item.pk as string, sk: item.sk as string },
            hash: item.h as string,
            ...(typeof item.ix_id === 'number' ? { ixId: item.ix_id } : {}),
          });
        }
      }
    }),
  );
  return index;
}

type Operation = { put: Record<string, NativeAttributeValue> } | { delete: ItemKey };

const BATCH = 25;
const IN_FLIGHT = 4;
const MAX_ATTEMPTS = 8;

/**
 * Buffered BatchWriteItem: 25 per request, a few requests in flight, unprocessed items retried with
 * backoff. Operations on one key coalesce (the last wins), since a batch may not name a key twice.
 */
export class BatchWriter {
  private pending = new Map<string, Operation>();
  private inFlight = new Set<Promise<void>>();
  private failure: unknown;
  puts = 0;
  deletes = 0;

  put(item: Record<string, NativeAttributeValue>): Promise<void> {
    return this.add(`${item.pk}\u0000${item.sk}`, { put: item });
  }

  delete(key: ItemKey): Promise<void> {
    return this.add(`${key.pk}\u0000${key.sk}`, { delete: { pk: key.pk, sk: key.sk } });
  }

  get writes(): number {
    return this.puts + this.deletes;
  }

  private async add(id: string, op: Operation): Promise<void> {
    this.pending.set(id, op);
    if (this.pending.size >= BATCH) await this.sendOne();
  }

  /** Sends everything still buffered and waits for every request; throws the first failure. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await this.sendOne();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  private async sendOne(): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inFlight.size >= IN_FLIGHT) await Promise.race(this.inFlight);
    const ops: Operation[] = [];
    for (const [id, op] of this.pending) {
      ops.push(op);
      this.pending.delete(id);
      if (ops.length === BATCH) break;
    }
    if (ops.length === 0) return;
    for (const op of ops) {
      if ('put' in op) this.puts += 1;
      else this.deletes += 1;
    }
    const request = send(ops).catch((err) => {
      this.failure ??= err;
    });
    const tracked = request.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

async function send(ops: Operation[]): Promise<void> {
  let requests = ops.map((op) =>
    'put' in op ? { PutRequest: { Item: op.put } } : { DeleteRequest: { Key: op.delete } },
  );
  for (let attempt = 1; requests.length > 0; attempt++) {
    const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
    requests = (out.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
    if (requests.length === 0) return;
    if (attempt >= MAX_ATTEMPTS)
      throw new Error(`${requests.length} writes still unprocessed after ${attempt} attempts`);
    await sleep(backoffDelay(attempt, { baseMs: 50, capMs: 2000, jitter: 'spread' }));
  }
}
