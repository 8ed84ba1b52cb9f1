import { tableName } from '../platform/storage/client';
import { parseItem, type TransactItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';
import * as z from '../platform/zod';

/**
 * The log of each peer: every step taken with it (a request sent or answered, a session added, a
 * note changed), written by the area that took the step in the same transaction as the step itself.
 * The entries live in the partition of our state of the peers at the exchange, after each peer's
 * state (`peerLog` in the key map), so a peer's state and its log are one Query.
 */
export const PeerLogEntrySchema = z.object({
  message: z.string(),
  time: z.string(),
  request_id: z.nullable(z.string()),
  session_id: z.nullable(z.string()),
  /** The request's and the session's numbers (the v1 API's ids); null in entries written before numbers. */
  request_number: z._default(z.nullable(z.int()), null),
  session_number: z._default(z.nullable(z.int()), null),
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
  request_number?: number | null;
  session_number?: number | null;
}

export const peerLogPrefix = (participantId: number) =>
  KEYS.peerLog.keys.table.sk.prefix({ net: participantId });
/** What every log entry's sort key starts with. */
export const LOG_SORT_PREFIX = KEYS.peerLog.keys.table.sk.prefix();

/** A Put of one log entry, to include in the transaction of the change it records. */
export function peerLogItem(entry: PeerLogInput, time = new Date().toISOString()): TransactItem {
  const logged: PeerLogEntry = {
    message: entry.message,
    time,
    request_id: entry.request_id ?? null,
    session_id: entry.session_id ?? null,
    request_number: entry.request_number ?? null,
    session_number: entry.session_number ?? null,
    public_id: entry.public_id,
    user: entry.user,
  };
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...KEYS.peerLog.key({
          ix: entry.public_id,
          net: entry.participant_id,
          time,
          entry: crypto.randomUUID(),
        }),
        entity: KEYS.peerLog.entity,
        participant_id: entry.participant_id,
        ...logged,
      },
    },
  };
}

const StoredLogSchema = z.extend(PeerLogEntrySchema, { participant_id: z.int() });

/** Adds the log entries among `items` to `into`, per participant, newest first. */
export function collectLogs(items: Record<string, unknown>[], into: Map<number, PeerLogEntry[]>): void {
  for (const item of items) {
    const { participant_id, ...entry } = parseItem(StoredLogSchema, 'peer log entry', withoutKeys(item));
    const list = into.get(participant_id) ?? [];
    list.push(entry);
    into.set(participant_id, list);
  }
  // Sort keys hold the time, so the Query returns oldest first; the API shows the newest first.
  for (const list of into.values()) list.reverse();
}
