import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, type TransactItem, withoutKeys } from '../platform/storage/items';
import { queryAll } from '../platform/storage/query';
import { KEYS, memberOrderKey } from '../platform/storage/keys';
import { type PeerRequestStatus, PeerRequestStatusSchema } from '../kernel';
import {
  collectLogs,
  LOG_SORT_PREFIX,
  type PeerLogEntry,
  type PeerLogInput,
  peerLogItem,
  peerLogPrefix,
} from '../peer-log';

/**
 * Our side of each peer at an exchange: request status, notes, override, and the per-peer log.
 * All of one exchange lives in one partition, the state of each peer and after it its log (the
 * formats are `peerState` and `peerLog` in `platform/storage/keys.ts`). Writers get transaction
 * items so that a change and its log entry land together.
 *
 * The state items are also listed in gsi3 in the order members are paged (`NETWORK_ORDER`,
 * `<lowercase name>#<net id>`), so a page of peers reads the state of that page (and not of the whole
 * exchange) with one bounded Query issued beside the members' own. The name is the network's
 * PeeringDB name: the writer that creates the state sets it, and the sync moves it when PeeringDB
 * renames the network.
 */

export const peerStatePartition = (publicId: number) => KEYS.peerState.keys.table.pk.build({ ix: publicId });
export const peerStateSortKey = (participantId: number) =>
  KEYS.peerState.keys.table.sk.build({ net: participantId });
const STATES = KEYS.peerState.keys.table.sk.prefix();

/** The attributes that list a state item in member order; kept on first write, moved by the sync. */
const ORDER_SET = 'gsi3pk = :ixp, gsi3sk = if_not_exists(gsi3sk, :order)';
const orderValues = (publicId: number, participantId: number, peerName: string) => ({
  ':ixp': KEYS.peerState.keys.gsi3.pk.build({ ix: publicId }),
  ':order': memberOrderKey(peerName, participantId),
});

/** The peer an item of its state is about: the exchange, the network and its PeeringDB name. */
export interface PeerRef {
  publicId: number;
  participantId: number;
  /** The network's name in PeeringDB; it places the state in member order. */
  name: string;
}

/** An upsert of the peer's request status at one exchange. */
export function requestStatusItem(
  peer: PeerRef,
  status: PeerRequestStatus,
  time = new Date().toISOString(),
): TransactItem {
  const { publicId, participantId } = peer;
  return {
    Update: {
      TableName: tableName(),
      Key: { pk: peerStatePartition(publicId), sk: peerStateSortKey(participantId) },
      UpdateExpression: `SET request_status = :s, request_status_time = :t, modified = :t, entity = :e, public_id = :ix, participant_id = :net, ${ORDER_SET}`,
      ExpressionAttributeValues: {
        ':s': status,
        ':t': time,
        ':e': KEYS.peerState.entity,
        ':ix': publicId,
        ':net': participantId,
        ...orderValues(publicId, participantId, peer.name),
      },
    },
  };
}

/** The stored state of one peer at one exchange; every field is optional until someone sets it. */
export const QualificationOverrideSchema = z.object({
  qualified: z.boolean(),
  reason: z.string(),
  user: z.nullable(z.string()),
  time: z.string(),
});

export const PeerStateSchema = z.object({
  public_id: z.int(),
  participant_id: z.int(),
  request_status: z._default(PeerRequestStatusSchema, 'none'),
  request_status_time: z._default(z.nullable(z.string()), null),
  notes_private: z._default(z.nullable(z.string()), null),
  qualification_override: z._default(z.nullable(QualificationOverrideSchema), null),
  preferred_contact_id: z._default(z.nullable(z.int()), null),
  hidden_until: z._default(z.nullable(z.string()), null),
  modified: z._default(z.nullable(z.string()), null),
});
export type PeerState = z.infer<typeof PeerStateSchema>;

/** The state of a peer nobody has touched yet. */
export function emptyPeerState(publicId: number, participantId: number): PeerState {
  return PeerStateSchema.parse({ public_id: publicId, participant_id: participantId });
}

/** Fields of a peer's state a coordinator may change; `null` clears a field. */
export type PeerStateChanges = Partial<
  Pick<PeerState, 'notes_private' | 'qualification_override' | 'preferred_contact_id' | 'hidden_until'>
>;

export interface ExchangePeerState {
  states: Map<number, PeerState>;
  /** Per participant, newest entry first; empty unless asked for. */
  logs: Map<number, PeerLogEntry[]>;
}

const LISTED_STATE_FIELDS =
  'sk, public_id, participant_id, request_status, request_status_time, notes_private, qualification_override, preferred_contact_id, hidden_until';

export const peerStateRepository = {
  /**
   * Everything we keep about the peers of one exchange, in one paginated Query of its partition
   * (states only, or states and logs together): the cost does not grow with the page of peers shown.
   */
  async readExchange(
    publicId: number,
    options: { withLogs: boolean; consistent?: boolean },
  ): Promise<ExchangePeerState> {
    const items = await queryAll({
      ...(options.consistent ? { ConsistentRead: true } : {}),
      KeyConditionExpression: options.withLogs ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :net)',
      ExpressionAttributeValues: {
        ':pk': peerStatePartition(publicId),
        ...(options.withLogs ? {} : { ':net': STATES }),
      },
      // A list shows these fields only; leaving the rest behind makes the Query measurably cheaper.
      ...(options.withLogs ? {} : { ProjectionExpression: LISTED_STATE_FIELDS }),
    });
    const states = new Map<number, PeerState>();
    const logItems: Record<string, unknown>[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith(LOG_SORT_PREFIX)) {
        logItems.push(item);
      } else if (sk.startsWith(STATES)) {
        const state = parseItem(PeerStateSchema, 'peer state', withoutKeys(item));
        states.set(state.participant_id, state);
      }
    }
    const logs = new Map<number, PeerLogEntry[]>();
    collectLogs(logItems, logs);
    return { states, logs };
  },

  /**
   * The state of the peers that come after `after` in member order (`<lowercase name>#<net id>`,
   * from the start when undefined), at most `limit` of them: one Query whose size follows the page,
   * not the exchange. `coveredTo` is the last position read, or null when the read reached the end;
   * the state of a member past it is not known yet (read on with `after: coveredTo`).
   */
  async readInOrder(
    publicId: number,
    after: string | undefined,
    limit: number,
  ): Promise<{ states: Map<number, PeerState>; coveredTo: string | null }> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi3',
        KeyConditionExpression: after === undefined ? 'gsi3pk = :pk' : 'gsi3pk = :pk AND gsi3sk > :after',
        ExpressionAttributeValues: {
          ':pk': KEYS.peerState.keys.gsi3.pk.build({ ix: publicId }),
          ...(after === undefined ? {} : { ':after': after }),
        },
        ProjectionExpression: `${LISTED_STATE_FIELDS}, gsi3sk`,
        Limit: limit,
      }),
    );
    const states = new Map<number, PeerState>();
    let last: string | null = null;
    for (const item of out.Items ?? []) {
      last = String(item.gsi3sk);
      const state = parseItem(PeerStateSchema, 'peer state', withoutKeys(item));
      states.set(state.participant_id, state);
    }
    return { states, coveredTo: out.LastEvaluatedKey ? last : null };
  },

  /** One peer's state alone, read consistently (what its peer row is made of). */
  async readState(publicId: number, participantId: number): Promise<PeerState> {
    const out = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: { pk: peerStatePartition(publicId), sk: peerStateSortKey(participantId) },
        ConsistentRead: true,
      }),
    );
    return out.Item
      ? parseItem(PeerStateSchema, 'peer state', withoutKeys(out.Item))
      : emptyPeerState(publicId, participantId);
  },

  /** One peer's state and log, in one Query of the partition's range for that participant. */
  async readPeer(
    publicId: number,
    participantId: number,
  ): Promise<{ state: PeerState; log: PeerLogEntry[] }> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': peerStatePartition(publicId),
        ':from': peerLogPrefix(participantId),
        ':to': `${peerLogPrefix(participantId)}~`,
      },
    });
    const state = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: { pk: peerStatePartition(publicId), sk: peerStateSortKey(participantId) },
      }),
    );
    const logs = new Map<number, PeerLogEntry[]>();
    collectLogs(items, logs);
    return {
      state: state.Item
        ? parseItem(PeerStateSchema, 'peer state', withoutKeys(state.Item))
        : emptyPeerState(publicId, participantId),
      log: logs.get(participantId) ?? [],
    };
  },

  /** Applies the changes and writes their log entries in one transaction: both land or neither. */
  async change(
    peer: PeerRef,
    changes: PeerStateChanges,
    log: PeerLogInput[],
    time = new Date().toISOString(),
  ): Promise<void> {
    const { publicId, participantId } = peer;
    const set = ['modified = :t', 'entity = :e', 'public_id = :ix', 'participant_id = :net', ORDER_SET];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':t': time,
      ':e': KEYS.peerState.entity,
      ':ix': publicId,
      ':net': participantId,
      ...orderValues(publicId, participantId, peer.name),
    };
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) {
        remove.push(`#${field}`);
      } else {
        values[`:${field}`] = value;
        set.push(`#${field} = :${field}`);
      }
    }
    const update: TransactItem = {
      Update: {
        TableName: tableName(),
        Key: { pk: peerStatePartition(publicId), sk: peerStateSortKey(participantId) },
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    };
    // One millisecond apart, so the entries of one change keep their order in the log.
    const entries = log.map((entry, i) => peerLogItem(entry, new Date(Date.parse(time) + i).toISOString()));
    await ddb().send(new TransactWriteCommand({ TransactItems: [update, ...entries] }));
  },

  /** Request status back to `none`, with its log entry, in one transaction. */
  async reset(peer: PeerRef, user: string | null, time = new Date().toISOString()) {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          requestStatusItem(peer, 'none', time),
          peerLogItem(
            {
              public_id: peer.publicId,
              participant_id: peer.participantId,
              message: 'Peer status reset',
              user,
            },
            time,
          ),
        ],
      }),
    );
  },

  /** The networks whose state at this exchange is not listed in member order yet (written before gsi3). */
  async unordered(publicId: number): Promise<number[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :net)',
      FilterExpression: 'attribute_not_exists(gsi3sk)',
      ExpressionAttributeValues: { ':pk': peerStatePartition(publicId), ':net': STATES },
      ProjectionExpression: 'sk',
    });
    // The id is read from the key (`NET#<zero-padded id>`), which every state item has.
    return items.map((item) => Number(String(item.sk).slice(STATES.length))).filter(Number.isSafeInteger);
  },

  /**
   * The sync's part when PeeringDB renames a network: its state at the exchange moves to the new
   * name's place in member order. Nothing is written when there is no state.
   */
  async reorder(peer: PeerRef): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: peerStatePartition(peer.publicId), sk: peerStateSortKey(peer.participantId) },
          UpdateExpression: 'SET gsi3pk = :ixp, gsi3sk = :order',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: orderValues(peer.publicId, peer.participantId, peer.name),
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },
};
