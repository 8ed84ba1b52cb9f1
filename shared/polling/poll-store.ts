import { BatchWriteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';
import { queryPage } from '../platform/storage/query';
import type { Page } from '../platform/storage/pagination';
import { TTL_ATTRIBUTE } from '../platform/storage/table';
import { PolledStateSchema } from '../kernel';

/**
 * Polling's own items: one per router (its last poll, its error count, the neighbors it found that
 * peerflow does not know, the lease that keeps two polls apart) and one per change of a session's
 * polled state (its history).
 */

export const UnmanagedNeighborSchema = z.object({
  peer_ipaddr: z.string(),
  peer_asn: z.nullable(z.int()),
  bgp_state: PolledStateSchema,
  prfx_received: z.nullable(z.int()),
  prfx_accepted: z.nullable(z.int()),
});
export type UnmanagedNeighbor = z.infer<typeof UnmanagedNeighborSchema>;

/**
 * The unmanaged neighbors kept in a router's poll record: one item holds 400 KB, about 4,000 of
 * them, and a route server may have more. The others are counted, and listed once some are imported.
 */
export const MAX_UNMANAGED_KEPT = 1000;

export const RouterPollSchema = z.object({
  router_id: z.string(),
  /** When the last poll ended, whatever its outcome. */
  last_polled: z._default(z.nullable(z.string()), null),
  /** When the last poll that read the router ended. */
  last_success: z._default(z.nullable(z.string()), null),
  /** Polls that failed in a row (0 once one reads the router again). */
  error_count: z._default(z.int(), 0),
  /** Every poll that failed, since the router was first polled. */
  errors_total: z._default(z.int(), 0),
  last_error: z._default(z.nullable(z.string()), null),
  /** The neighbors the last poll that read the router found and no session of the router names. */
  /** The first `MAX_UNMANAGED_KEPT` of them, by address. */
  unmanaged: z._default(z.array(UnmanagedNeighborSchema), []),
  /** How many unmanaged neighbors the last poll found; null: as many as `unmanaged` holds. */
  unmanaged_total: z._default(z.nullable(z.int()), null),
  /**
   * Polls recorded so far. A poll reads it before it reads the router and writes only if it is
   * unchanged then: no other poll recorded anything in between.
   */
  polls: z._default(z.int(), 0),
  lease_holder: z._default(z.nullable(z.string()), null),
  /** Epoch seconds. */
  lease_until: z._default(z.int(), 0),
});
export type RouterPoll = z.infer<typeof RouterPollSchema>;

export const HistoryEntrySchema = z.object({
  session_id: z.string(),
  router_id: z.string(),
  at: z.string(),
  from: z.nullable(PolledStateSchema),
  to: PolledStateSchema,
  prfx_received: z.nullable(z.int()),
  prfx_accepted: z.nullable(z.int()),
  reason: z.nullable(z.string()),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

const pollKey = (routerId: string) => KEYS.routerPoll.key({ router: routerId });

/**
 * The condition that no poll holds the router's lease (or its lease expired) and none was recorded
 * since `seen` was read (undefined: the router had no poll record then).
 */
function unchangedSince(seen: RouterPoll | undefined): {
  condition: string;
  values: Record<string, unknown>;
} {
  if (!seen) return { condition: 'attribute_not_exists(pk)', values: {} };
  const free = '(attribute_not_exists(lease_holder) OR lease_until < :now)';
  const same = seen.polls === 0 ? '(attribute_not_exists(polls) OR polls = :seen)' : 'polls = :seen';
  return {
    condition: `${free} AND ${same}`,
    values: { ':now': Math.floor(Date.now() / 1000), ':seen': seen.polls },
  };
}

/** History is kept 90 days (DynamoDB TTL), enough for any flap count and a quarter's review. */
const HISTORY_DAYS = 90;

export const pollRepository = {
  async get(routerId: string): Promise<RouterPoll | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: pollKey(routerId), ConsistentRead: true }),
    );
    return out.Item ? parseItem(RouterPollSchema, 'router poll', withoutKeys(out.Item)) : undefined;
  },

  /**
   * Takes the router's poll lease for `holder` until `until` (epoch seconds), if no other poll
   * holds one that has not expired and none was recorded since `seen` was read. False otherwise.
   */
  async lease(
    routerId: string,
    seen: RouterPoll | undefined,
    holder: string,
    until: number,
  ): Promise<boolean> {
    const unchanged = unchangedSince(seen);
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: pollKey(routerId),
          UpdateExpression: 'SET entity = :e, router_id = :r, lease_holder = :h, lease_until = :u',
          ConditionExpression: unchanged.condition,
          ExpressionAttributeValues: {
            ...unchanged.values,
            ':e': KEYS.routerPoll.entity,
            ':r': routerId,
            ':h': holder,
            ':u': until,
          },
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      return false;
    }
  },

  /** Gives the lease back without recording a poll (a poll that did not run). */
  async release(routerId: string, holder: string): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: pollKey(routerId),
          UpdateExpression: 'SET lease_until = :zero REMOVE lease_holder',
          ConditionExpression: 'lease_holder = :h',
          ExpressionAttributeValues: { ':h': holder, ':zero': 0 },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },

  /**
   * Records a poll's end, in one write: with `holder`, the poll that holds the lease, giving it
   * back; with `seen` instead, a poll that took no lease (it had nothing else to write), if no other
   * poll holds one or recorded anything since `seen` was read. A success stores the unmanaged
   * neighbors only when they differ from the stored ones (`unmanaged` undefined keeps them).
   * Undefined when the condition failed: another poll's record is the newer one.
   */
  async finish(
    routerId: string,
    by: { holder: string } | { seen: RouterPoll | undefined },
    outcome:
      | { ok: true; at: string; unmanaged?: { kept: UnmanagedNeighbor[]; total: number } }
      | { ok: false; at: string; reason: string },
  ): Promise<RouterPoll | undefined> {
    const values: Record<string, unknown> = { ':at': outcome.at, ':zero': 0, ':one': 1 };
    let set: string;
    if (outcome.ok) {
      set = 'last_polled = :at, last_success = :at, error_count = :zero, last_error = :none';
      values[':none'] = null;
      if (outcome.unmanaged !== undefined) {
        set += ', unmanaged = :u, unmanaged_total = :ut';
        values[':u'] = outcome.unmanaged.kept.slice(0, MAX_UNMANAGED_KEPT);
        values[':ut'] = outcome.unmanaged.total;
      }
    } else {
      set =
        'last_polled = :at, last_error = :reason, error_count = if_not_exists(error_count, :zero) + :one, errors_total = if_not_exists(errors_total, :zero) + :one';
      values[':reason'] = outcome.reason;
    }
    set += ', polls = if_not_exists(polls, :zero) + :one';
    let condition: string;
    if ('holder' in by) {
      condition = 'lease_holder = :h';
      values[':h'] = by.holder;
    } else {
      const unchanged = unchangedSince(by.seen);
      condition = unchanged.condition;
      Object.assign(values, unchanged.values, { ':e': KEYS.routerPoll.entity, ':r': routerId });
      set += ', entity = :e, router_id = :r';
    }
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: pollKey(routerId),
          UpdateExpression: `SET ${set}, lease_until = :zero REMOVE lease_holder`,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes
        ? parseItem(RouterPollSchema, 'router poll', withoutKeys(out.Attributes))
        : undefined;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  },

  /** Appends history entries, 25 to a request. */
  async appendHistory(entries: readonly HistoryEntry[]): Promise<void> {
    const expires = Math.floor(Date.now() / 1000) + HISTORY_DAYS * 86_400;
    for (let i = 0; i < entries.length; i += 25) {
      let requests: Record<string, unknown>[] = entries.slice(i, i + 25).map((e) => ({
        PutRequest: {
          Item: {
            ...KEYS.sessionHistory.key({ session: e.session_id, at: e.at, change: crypto.randomUUID() }),
            entity: KEYS.sessionHistory.entity,
            ...e,
            [TTL_ATTRIBUTE]: expires,
          },
        },
      }));
      for (let attempt = 0; requests.length > 0; attempt += 1) {
        const out = await ddb().send(
          new BatchWriteCommand({ RequestItems: { [tableName()]: requests as never } }),
        );
        requests = (out.UnprocessedItems?.[tableName()] ?? []) as Record<string, unknown>[];
        if (requests.length > 0 && attempt < 8) {
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        } else if (requests.length > 0) {
          throw new Error('DynamoDB left history entries unwritten');
        }
      }
    }
  },

  /** A session's history, newest first. */
  history(sessionId: string, limit: number, cursor?: string): Promise<Page<HistoryEntry>> {
    const partition = KEYS.sessionHistory.keys.table.pk.build({ session: sessionId });
    return queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { limit, cursor },
      { attribute: 'pk', value: partition },
      (item) => parseItem(HistoryEntrySchema, 'session history', withoutKeys(item)),
    );
  },
};
