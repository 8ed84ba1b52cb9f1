import { gunzipSync, gzipSync } from 'node:zlib';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { backoffDelay, chunked, sleep } from '../platform/concurrency';
import { ddb, tableName } from '../platform/storage/client';
import { StorageError } from '../platform/storage/errors';
import { parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';

export const IRR_STATUSES = ['ok', 'empty', 'too_large', 'failed'] as const;
export type IrrStatus = (typeof IRR_STATUSES)[number];

/** One refresh as the history keeps it: what was asked, what came back, never the lists themselves. */
export const IrrVersionSchema = z.object({
  at: z.string(),
  as_set: z.string(),
  status: z.enum(IRR_STATUSES),
  ipv4: z.int(),
  ipv6: z.int(),
  /** sha-256 of the lists (hex), null when the refresh kept the previous lists. */
  digest: z.nullable(z.string()),
  error: z.nullable(z.string()),
});
export type IrrVersion = z.infer<typeof IrrVersionSchema>;

export const StoredIrrSchema = z.object({
  participant_id: z.int(),
  /** The sets an operator chose instead of PeeringDB's, or null. */
  override: z.nullable(z.object({ as_set: z.string(), set_by: z.string(), set_at: z.string() })),
  /** The sets the current lists were built from ('' before any). */
  as_set: z.string(),
  as_set_source: z.enum(['peeringdb', 'override', 'none']),
  status: z.enum(IRR_STATUSES),
  /** When the current lists were fetched; null when no refresh gave lists yet. */
  refreshed_at: z.nullable(z.string()),
  /** When the last refresh ran, whatever it gave. */
  attempted_at: z.nullable(z.string()),
  error: z.nullable(z.string()),
  notes: z.array(z.string()),
  current: z.nullable(
    z.object({ digest: z.string(), ipv4: z.int(), ipv6: z.int(), aggregated: z.boolean(), chunks: z.int() }),
  ),
  /** Newest first, at most the configured number of versions. */
  history: z.array(IrrVersionSchema),
  /** Raised by each write: a write based on an older read is refused. */
  revision: z.int(),
});
export type StoredIrr = z.infer<typeof StoredIrrSchema>;

export interface PrefixLists {
  ipv4: string[];
  ipv6: string[];
}

/** Thrown when another write changed the record since it was read. */
export class IrrRaceError extends StorageError {}

/** Chunks stay well under DynamoDB's 400 KB item limit. */
const CHUNK_BYTES = 300_000;

const headKey = (net: number) => KEYS.irrPrefixLists.key({ net });
const ALL_LISTS = KEYS.irrPrefixLists.keys.gsi1.pk.build({});
const chunkKey = (net: number, digest: string, chunk: number) =>
  KEYS.irrListChunk.key({ net, digest, chunk });

async function batchGet(keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const batch of chunked(keys, 100)) {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await ddb().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending } } }),
      );
      items.push(...(out.Responses?.[tableName()] ?? []));
      pending = (out.UnprocessedKeys?.[tableName()]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length > 0) await sleep(backoffDelay(attempt, { baseMs: 50, capMs: 2000 }));
    }
  }
  return items;
}

async function batchWrite(requests: Record<string, unknown>[]): Promise<void> {
  for (const batch of chunked(requests, 25)) {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }));
      pending = (out.UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
      if (pending.length > 0) await sleep(backoffDelay(attempt, { baseMs: 50, capMs: 2000 }));
    }
  }
}

export const irrRepository = {
  async get(net: number): Promise<StoredIrr | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: headKey(net), ConsistentRead: true }),
    );
    return out.Item ? parseItem(StoredIrrSchema, 'IRR prefix lists', withoutKeys(out.Item)) : undefined;
  },

  async getMany(nets: readonly number[]): Promise<Map<number, StoredIrr>> {
    const items = await batchGet([...new Set(nets)].map(headKey));
    const found = new Map<number, StoredIrr>();
    for (const item of items) {
      const stored = parseItem(StoredIrrSchema, 'IRR prefix lists', withoutKeys(item));
      found.set(stored.participant_id, stored);
    }
    return found;
  },

  /** Every network that has a record (the daily refresh goes over them with the peers it is handed). */
  async listNets(): Promise<number[]> {
    const nets: number[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': ALL_LISTS },
          ProjectionExpression: 'participant_id',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) nets.push(Number(item.participant_id));
      start = out.LastEvaluatedKey;
    } while (start);
    return nets;
  },

  /** The current lists of records, read from their chunks. */
  async lists(records: readonly StoredIrr[]): Promise<Map<number, PrefixLists>> {
    const keys = records.flatMap((r) =>
      r.current
        ? Array.from({ length: r.current.chunks }, (_, i) => chunkKey(r.participant_id, r.current!.digest, i))
        : [],
    );
    const items = await batchGet(keys);
    const parts = new Map<string, Buffer>();
    for (const item of items)
      parts.set(`${String(item.pk)}|${String(item.sk)}`, Buffer.from(item.data as Uint8Array));
    const out = new Map<number, PrefixLists>();
    for (const r of records) {
      if (!r.current) {
        out.set(r.participant_id, { ipv4: [], ipv6: [] });
        continue;
      }
      const buffers: Buffer[] = [];
      for (let i = 0; i < r.current.chunks; i++) {
        const k = chunkKey(r.participant_id, r.current.digest, i);
        const part = parts.get(`${k.pk}|${k.sk}`);
        if (!part)
          throw new StorageError(`IRR list ${r.participant_id}/${r.current.digest} misses part ${i}`);
        buffers.push(part);
      }
      const lists = JSON.parse(gunzipSync(Buffer.concat(buffers)).toString('utf8')) as PrefixLists;
      out.set(r.participant_id, lists);
    }
    return out;
  },

  /**
   * Stores a record. With new lists, their chunks are written first and the record then points at
   * them; the previous lists' chunks are deleted after. `expected` is the revision read before (0 for
   * none): another write in between is refused with IrrRaceError.
   */
  async put(
    record: StoredIrr,
    expected: number,
    lists?: PrefixLists,
    previous?: StoredIrr['current'],
  ): Promise<void> {
    if (lists && record.current) {
      const packed = gzipSync(Buffer.from(JSON.stringify(lists)));
      const chunks: Buffer[] = [];
      for (let at = 0; at < packed.length; at += CHUNK_BYTES)
        chunks.push(packed.subarray(at, at + CHUNK_BYTES));
      if (chunks.length === 0) chunks.push(Buffer.alloc(0));
      record.current.chunks = chunks.length;
      await batchWrite(
        chunks.map((data, i) => ({
          PutRequest: {
            Item: {
              ...chunkKey(record.participant_id, record.current!.digest, i),
              entity: KEYS.irrListChunk.entity,
              data,
            },
          },
        })),
      );
    }
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...headKey(record.participant_id),
            ...KEYS.irrPrefixLists.index('gsi1', { net: record.participant_id }),
            entity: KEYS.irrPrefixLists.entity,
            ...record,
          },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'revision = :r',
          ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':r': expected } }),
        }),
      );
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') {
        throw new IrrRaceError('the IRR record changed while it was being written', err);
      }
      throw err;
    }
    if (previous && previous.digest !== record.current?.digest) {
      await batchWrite(
        Array.from({ length: previous.chunks }, (_, i) => ({
          DeleteRequest: { Key: chunkKey(record.participant_id, previous.digest, i) },
        })),
      );
    }
  },
};
