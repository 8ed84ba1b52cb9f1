import { createHash } from 'node:crypto';
import { BatchWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { generate, type Records } from '../scripts/lib/generate';
import {
  type ExchangeMember,
  OBJECT_TYPES,
  parseRecord,
  memberItem,
  orderContacts,
  sourceItem,
} from '../shared/peeringdb';
import { ddb, tableName } from '../shared/platform/storage/client';
import { chunked, forEachConcurrently } from '../shared/platform/concurrency';

/**
 * The baseline of the sync benchmark, in a process of its own: BatchWrite, 25 per request and
 * four requests in flight like the sync, of exactly the items a first full sync of the generated
 * set writes. The items are built before the clock starts: only the writes are timed.
 */
const IN_FLIGHT = 4;

/** Exactly the items a first full sync writes, built beforehand so the baseline times writes alone. */
function itemsOf(records: Records): Record<string, NativeAttributeValue>[] {
  const items: Record<string, NativeAttributeValue>[] = [];
  const hash = (o: unknown) => createHash('sha1').update(JSON.stringify(o)).digest('base64url');
  const lanToIx = new Map(records.ixlan.map((l) => [l.id as number, l.ix_id as number]));
  const parsed: Record<string, Record<string, unknown>[]> = {};
  for (const type of OBJECT_TYPES) {
    parsed[type] = [];
    for (const raw of records[type]) {
      const p = parseRecord(type, raw);
      if (!p.ok || p.deleted) continue;
      if (type === 'ixpfx') p.object.ix_id = lanToIx.get(p.object.ixlan_id as number) ?? null;
      parsed[type].push(p.object);
      items.push(sourceItem(type, p.object, hash(p.object)));
    }
  }
  const nets = new Map((parsed.net ?? []).map((n) => [n.id as number, n]));
  const contacts = new Map<number, Record<string, unknown>[]>();
  for (const c of parsed.poc ?? [])
    contacts.set(c.net_id as number, [...(contacts.get(c.net_id as number) ?? []), c]);
  const pairs = new Map<string, Record<string, unknown>[]>();
  for (const row of parsed.netixlan ?? []) {
    const key = `${row.ix_id}:${row.net_id}`;
    pairs.set(key, [...(pairs.get(key) ?? []), row]);
  }
  for (const [key, rows] of pairs) {
    const [ixId, netId] = key.split(':').map(Number) as [number, number];
    const network = nets.get(netId);
    if (!network) continue;
    const member = {
      network,
      presences: rows,
      contacts: orderContacts((contacts.get(netId) ?? []) as never),
    } as unknown as ExchangeMember;
    items.push(memberItem(ixId, member, hash(member)));
  }
  return items;
}

async function bareBatchWrite(items: Record<string, NativeAttributeValue>[]): Promise<number> {
  const table = tableName();
  const started = performance.now();
  await forEachConcurrently(chunked(items, 25), IN_FLIGHT, async (chunk) => {
    let batch = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (batch.length > 0) {
      const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
      batch = (out.UnprocessedItems?.[table] ?? []) as typeof batch;
    }
  });
  return performance.now() - started;
}

const items = itemsOf(generate('full', Number(process.argv[2])));
const ms = await bareBatchWrite(items);
console.log(JSON.stringify({ ms, items: items.length }));
