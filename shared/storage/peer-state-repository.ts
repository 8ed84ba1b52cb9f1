import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { tableName } from './client';

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
  request_id: z.string().nullable(),
  session_id: z.string().nullable(),
  public_id: z.number().int(),
  user: z.string().nullable(),
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
