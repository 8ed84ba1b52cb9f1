import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem } from '../platform/storage/items';
import { queryAll } from '../platform/storage/query';
import { KEYS, NETWORK_ORDER } from '../platform/storage/keys';
import { ContactSchema, NetworkSchema, PresenceSchema } from '../peeringdb';
import { PeerRequestStatusSchema, type PeerRequestStatus } from '../kernel';
import { PeerStateSchema } from './peer-state-store';

/**
 * The peer rows of an exchange (`peerRow` in `platform/storage/keys.ts`): one item per member but our
 * own network, holding what a list shows of it (the member as PeeringDB has it, our state of it)
 * and what a list filters on (`qualified`, `request_status`, `is_peer`). Each filter value is a
 * partition of its own in one index, in member order, so a filtered page is one Query of that
 * partition from where the last page ended. `peer-rows.ts` computes them; this file only stores.
 *
 * Beside them, per exchange, a build record (`peerRowsBuild`): `gen` is raised by every change that
 * reaches the rows, `rules` names the rules the rows were wholly built under. A list trusts the rows
 * only when `rules` is the rules it reads, and a build records `rules` only if `gen` did not move
 * while it read and wrote: a change that came meanwhile makes it start over.
 */

export type PeerRowFilter =
  | { index: 'gsi1'; field: 'qualified'; value: boolean }
  | { index: 'gsi2'; field: 'request_status'; value: PeerRequestStatus }
  | { index: 'gsi3'; field: 'is_peer'; value: boolean };

export const PeerRowSchema = z.object({
  ix_id: z.int(),
  net_id: z.int(),
  network: NetworkSchema,
  presences: z.array(PresenceSchema),
  contacts: z.array(ContactSchema),
  state: PeerStateSchema,
  qualified: z.boolean(),
  request_status: PeerRequestStatusSchema,
  is_peer: z.boolean(),
  /** The rules the verdict was taken under (a digest, see `rulesDigest`). */
  rules: z.string(),
});
export type PeerRow = z.infer<typeof PeerRowSchema>;

const rowPartition = (ix: number) => KEYS.peerRow.keys.table.pk.build({ ix });
const rowKey = (ix: number, net: number) => KEYS.peerRow.key({ ix, net });
const buildKey = (ix: number) => KEYS.peerRowsBuild.key({ ix });
const flag = (value: boolean) => (value ? 'true' : 'false');

/** The item of a row: its keys in the table and in the three filter indexes, and a digest of it all. */
export function peerRowItem(row: PeerRow, order: string, digest: string): Record<string, unknown> {
  const { ix_id: ix, net_id: net } = row;
  return {
    ...rowKey(ix, net),
    entity: KEYS.peerRow.entity,
    ...row,
    // Top level as well, for the Query's filter on hidden peers.
    ...(row.state.hidden_until === null ? {} : { hidden_until: row.state.hidden_until }),
    h: digest,
    gsi1pk: KEYS.peerRow.keys.gsi1.pk.build({ ix, qualified: flag(row.qualified) }),
    gsi1sk: order,
    gsi2pk: KEYS.peerRow.keys.gsi2.pk.build({ ix, status: row.request_status }),
    gsi2sk: order,
    gsi3pk: KEYS.peerRow.keys.gsi3.pk.build({ ix, isPeer: flag(row.is_peer) }),
    gsi3sk: order,
  };
}

const BuildSchema = z.object({ gen: z._default(z.int(), 0), rules: z.optional(z.string()) });
export type PeerRowsBuild = z.infer<typeof BuildSchema>;

/** A filter partition's key: the index, its partition, and the other filters' values. */
function filterPartition(ix: number, f: PeerRowFilter): string {
  if (f.index === 'gsi1') return KEYS.peerRow.keys.gsi1.pk.build({ ix, qualified: flag(f.value) });
  if (f.index === 'gsi2') return KEYS.peerRow.keys.gsi2.pk.build({ ix, status: f.value });
  return KEYS.peerRow.keys.gsi3.pk.build({ ix, isPeer: flag(f.value) });
}

export const peerRowsRepository = {
  /**
   * One page of the rows in one filter partition, after `after` (a member position) in member
   * order: one Query of at most `limit` rows. The other filters given narrow the page on the server
   * (a page can then hold fewer than `limit` rows; `last` says where reading stopped), and so do
   * hidden peers unless `hiddenBefore` is undefined.
   */
  async page(
    ix: number,
    key: PeerRowFilter,
    more: readonly PeerRowFilter[],
    options: { after: string | undefined; limit: number; visibleAt: string | undefined },
  ): Promise<{ rows: PeerRow[]; last: [string, number] | null }> {
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': filterPartition(ix, key) };
    const names: Record<string, string> = {};
    more.forEach((f, i) => {
      names[`#f${i}`] = f.field;
      values[`:f${i}`] = f.value;
      filters.push(`#f${i} = :f${i}`);
    });
    if (options.visibleAt !== undefined) {
      values[':now'] = options.visibleAt;
      filters.push('(attribute_not_exists(hidden_until) OR hidden_until <= :now)');
    }
    if (options.after !== undefined) values[':after'] = options.after;
    const idx = key.index;
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: idx,
        KeyConditionExpression:
          options.after === undefined ? `${idx}pk = :pk` : `${idx}pk = :pk AND ${idx}sk > :after`,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
        Limit: options.limit,
      }),
    );
    const rows = (out.Items ?? []).map((item) => parseItem(PeerRowSchema, 'peer row', item));
    const lastKey = out.LastEvaluatedKey?.[`${idx}sk`];
    const parsed = typeof lastKey === 'string' ? NETWORK_ORDER.parse(lastKey) : undefined;
    return { rows, last: parsed ? [parsed.name, Number(parsed.net)] : null };
  },

  /** The digest of every row stored for the exchange, by network. */
  async digests(ix: number): Promise<Map<number, string>> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': rowPartition(ix) },
      ProjectionExpression: 'net_id, h',
      ConsistentRead: true,
    });
    return new Map(items.map((i) => [Number(i.net_id), String(i.h)]));
  },

  rowKey,

  /** The exchange's build record. */
  async build(ix: number): Promise<PeerRowsBuild> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: buildKey(ix), ConsistentRead: true }),
    );
    return BuildSchema.parse(out.Item ?? {});
  },

  /** Every exchange's build record. */
  async builds(): Promise<Map<number, PeerRowsBuild>> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.peerRowsBuild.keys.table.pk.build({}) },
      ConsistentRead: true,
    });
    const out = new Map<number, PeerRowsBuild>();
    for (const item of items) {
      const parsed = KEYS.peerRowsBuild.keys.table.sk.parse(String(item.sk));
      if (parsed) out.set(Number(parsed.ix), BuildSchema.parse(item));
    }
    return out;
  },

  /**
   * Raises the exchange's counter: something its rows are made of changed. With `unbuilt`, its rows
   * are no longer trusted until a build completes (PeeringDB changed its members).
   */
  async raise(ix: number, unbuilt = false): Promise<PeerRowsBuild> {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: buildKey(ix),
        UpdateExpression: `SET entity = :e ADD gen :one${unbuilt ? ' REMOVE #rules' : ''}`,
        ...(unbuilt ? { ExpressionAttributeNames: { '#rules': 'rules' } } : {}),
        ExpressionAttributeValues: { ':e': KEYS.peerRowsBuild.entity, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return BuildSchema.parse(out.Attributes ?? {});
  },

  /** Records a complete build under `rules`, only if nothing raised the counter past `gen` meanwhile. */
  async settle(ix: number, gen: number, rules: string): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: buildKey(ix),
          UpdateExpression: 'SET #rules = :rules, built = :t, entity = :e',
          // A record never raised has no counter yet: it reads as 0.
          ConditionExpression: gen === 0 ? 'attribute_not_exists(gen) OR gen = :gen' : 'gen = :gen',
          ExpressionAttributeNames: { '#rules': 'rules' },
          ExpressionAttributeValues: {
            ':rules': rules,
            ':gen': gen,
            ':t': new Date().toISOString(),
            ':e': KEYS.peerRowsBuild.entity,
          },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },
};
