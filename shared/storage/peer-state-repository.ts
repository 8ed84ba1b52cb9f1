import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { ddb, tableName } from './client';
import { parseItem, withoutKeys } from './items';
import { queryAll } from './query';

/**
 * Our side of each peer at an exchange: request status, notes, override, and the per-peer log.
 * All of one exchange lives in one partition (`IXSTATE#<public_id>`) so a page of peers reads it in
 * one Query. Writers get transaction items so that a change and its log entry land together.
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const RequestStatusSchema = z.enum(['none', 'sent', 'accepted', 'rejected', 'failed']);
export type RequestStatus = z.infer<typeof RequestStatusSchema>;

export const PeerLogEntrySchema = z.object({
  message: z.string(),
  time: z.string(),
  request_id: z.nullable(z.string()),
  session_id: z.nullable(z.string()),
  public_id: z.int(),
  user: z.nullable(z.string()),
});
export type PeerLogEntry = z.infer<typeof PeerLogEntrySchema>;

export interface PeerLogInput {
  public_id: number;
  participant_id: number;
  message: string;
  /** The acting user's email (or id); null for the system. */
  user: string | null;
  request_id?: string | null;
  session_id?: string | null;
}

export const peerStatePartition = (publicId: number) => `IXSTATE#${publicId}`;
export const peerStateSortKey = (participantId: number) => `NET#${String(participantId).padStart(10, '0')}`;
export const peerLogPrefix = (participantId: number) => `LOG#${String(participantId).padStart(10, '0')}#`;

/** A Put of one log entry, to include in the transaction of the change it records. */
export function peerLogItem(entry: PeerLogInput, time = new Date().toISOString()): TransactItem {
  const logged: PeerLogEntry = {
    message: entry.message,
    time,
    request_id: entry.request_id ?? null,
    session_id: entry.session_id ?? null,
    public_id: entry.public_id,
    user: entry.user,
  };
  return {
    Put: {
      TableName: tableName(),
      Item: {
        pk: peerStatePartition(entry.public_id),
        sk: `${peerLogPrefix(entry.participant_id)}${time}#${crypto.randomUUID()}`,
        entity: 'peer-log',
        participant_id: entry.participant_id,
        ...logged,
      },
    },
  };
}

/** An upsert of the peer's request status at one exchange. */
export function requestStatusItem(
  publicId: number,
  participantId: number,
  status: RequestStatus,
  time = new Date().toISOString(),
): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: { pk: peerStatePartition(publicId), sk: peerStateSortKey(participantId) },
      UpdateExpression:
        'SET request_status = :s, request_status_time = :t, modified = :t, entity = :e, public_id = :ix, participant_id = :net',
      ExpressionAttributeValues: {
        ':s': status,
        ':t': time,
        ':e': 'peer-state',
        ':ix': publicId,
        ':net': participantId,
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
  request_status: z._default(RequestStatusSchema, 'none'),
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

const StoredLogSchema = z.extend(PeerLogEntrySchema, { participant_id: z.int() });

/** Fields of a peer's state a coordinator may change; `null` clears a field. */
export type PeerStateChanges = Partial<
  Pick<PeerState, 'notes_private' | 'qualification_override' | 'preferred_contact_id' | 'hidden_until'>
>;

export interface ExchangePeerState {
  states: Map<number, PeerState>;
  /** Per participant, newest entry first; empty unless asked for. */
  logs: Map<number, PeerLogEntry[]>;
}

function collectLogs(items: Record<string, unknown>[], into: Map<number, PeerLogEntry[]>): void {
  for (const item of items) {
    const { participant_id, ...entry } = parseItem(StoredLogSchema, 'peer log entry', withoutKeys(item));
    const list = into.get(participant_id) ?? [];
    list.push(entry);
    into.set(participant_id, list);
  }
  // Sort keys hold the time, so the Query returns oldest first; the API shows the newest first.
  for (const list of into.values()) list.reverse();
}

const LISTED_STATE_FIELDS =
  'sk, public_id, participant_id, request_status, notes_private, qualification_override, preferred_contact_id, hidden_until';

export const peerStateRepository = {
  /**
   * Everything we keep about the peers of one exchange, in one paginated Query of its partition
   * (states only, or states and logs together): the cost does not grow with the page of peers shown.
   */
  async readExchange(publicId: number, options: { withLogs: boolean }): Promise<ExchangePeerState> {
    const items = await queryAll({
      KeyConditionExpression: options.withLogs ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :net)',
      ExpressionAttributeValues: {
        ':pk': peerStatePartition(publicId),
        ...(options.withLogs ? {} : { ':net': 'NET#' }),
      },
      // A list shows these fields only; leaving the rest behind makes the Query measurably cheaper.
      ...(options.withLogs ? {} : { ProjectionExpression: LISTED_STATE_FIELDS }),
    });
    const states = new Map<number, PeerState>();
    const logItems: Record<string, unknown>[] = [];
    for (const item of items) {
      const sk = String(item.sk);
      if (sk.startsWith('LOG#')) {
        logItems.push(item);
      } else if (sk.startsWith('NET#')) {
        const state = parseItem(PeerStateSchema, 'peer state', withoutKeys(item));
        states.set(state.participant_id, state);
      }
    }
    const logs = new Map<number, PeerLogEntry[]>();
    collectLogs(logItems, logs);
    return { states, logs };
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
    publicId: number,
    participantId: number,
    changes: PeerStateChanges,
    log: PeerLogInput[],
    time = new Date().toISOString(),
  ): Promise<void> {
    const set = ['modified = :t', 'entity = :e', 'public_id = :ix', 'participant_id = :net'];
    const remove: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {
      ':t': time,
      ':e': 'peer-state',
      ':ix': publicId,
      ':net': participantId,
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
  async reset(publicId: number, participantId: number, user: string | null, time = new Date().toISOString()) {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          requestStatusItem(publicId, participantId, 'none', time),
          peerLogItem(
            { public_id: publicId, participant_id: participantId, message: 'Peer status reset', user },
            time,
          ),
        ],
      }),
    );
  },
};
