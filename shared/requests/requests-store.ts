import { StorageError } from '../platform/storage/errors';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { RequestStatusSchema } from '../kernel';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys, type TransactItem } from '../platform/storage/items';
import type { Page } from '../platform/storage/pagination';
import { type PeerState, PeerStateSchema, peerStatePartition, peerStateSortKey } from '../peers';
import { KEYS } from '../platform/storage/keys';
import { allocateNumber, claimNumber, numberStoredItem } from '../platform/storage/numbers';
import { queryAll, queryPage } from '../platform/storage/query';

export const StoredRequestSchema = z.object({
  id: z.string(),
  /** The request's integer id (the v1 API's `id`); null on a request stored before numbers, until migrated. */
  number: z._default(z.nullable(z.int()), null),
  public_ids: z.array(z.int()),
  source_participant_id: z.nullable(z.int()),
  source_asn: z.int(),
  peer_participant_id: z.int(),
  peer_asn: z.int(),
  peer_name: z.string(),
  template: z.string(),
  email_type: z.enum(['text', 'html']),
  email_from: z.string(),
  reply_to: z.array(z.string()),
  email_to: z.string(),
  cc: z.array(z.string()),
  bcc: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  html_body: z.nullable(z.string()),
  status: RequestStatusSchema,
  ses_message_id: z.nullable(z.string()),
  error: z.nullable(z.string()),
  note: z.nullable(z.string()),
  created: z.string(),
  modified: z.string(),
  user: z.string(),
});
export type StoredRequest = z.infer<typeof StoredRequestSchema>;

/** Guards one peer against two requests at once: who holds the send, and which request is pending. */
const GuardSchema = z.object({
  request_id: z.nullable(z.string()),
  pending_until: z.string(),
  claimed_until: z.string(),
  version: z.int(),
});
export type RequestGuard = z.infer<typeof GuardSchema>;

export class GuardTakenError extends StorageError {
  constructor(cause?: unknown) {
    super('another send to this peer holds the guard', cause);
  }
}

export class RequestChangedError extends StorageError {
  constructor(cause?: unknown) {
    super('the request changed meanwhile', cause);
  }
}

const ALL = KEYS.request.keys.gsi1.pk.build({});
const requestKey = (id: string) => KEYS.request.key({ request: id });
const peerPk = (participantId: number) => KEYS.request.keys.gsi2.pk.build({ net: participantId });
const exchangePk = (publicId: number) => KEYS.requestExchange.keys.gsi3.pk.build({ ix: publicId });
const guardKey = (participantId: number) => KEYS.requestGuard.key({ net: participantId });

function requestPuts(request: StoredRequest): TransactItem[] {
  const main: TransactItem = {
    Put: {
      TableName: tableName(),
      Item: {
        ...requestKey(request.id),
        ...KEYS.request.index('gsi1', { created: request.created, request: request.id }),
        ...KEYS.request.index('gsi2', {
          net: request.peer_participant_id,
          created: request.created,
          request: request.id,
        }),
        entity: KEYS.request.entity,
        ...request,
      },
    },
  };
  // One small item per exchange lets the list by exchange use an index, whatever the number of exchanges.
  const perExchange: TransactItem[] = request.public_ids.map((publicId) => ({
    Put: {
      TableName: tableName(),
      Item: {
        ...KEYS.requestExchange.key({ request: request.id, ix: publicId }),
        ...KEYS.requestExchange.index('gsi3', {
          ix: publicId,
          created: request.created,
          request: request.id,
        }),
        entity: KEYS.requestExchange.entity,
        request_id: request.id,
      },
    },
  }));
  return [main, ...perExchange];
}

/**
 * The put of a request that replaces the stored one while its status is still `expectedStatus`.
 * A request read before it had a number must not write back over the number a migration gave it
 * meanwhile: that write fails as a change made meanwhile.
 */
function replacing(
  main: TransactItem,
  request: StoredRequest,
  expectedStatus: StoredRequest['status'],
): TransactItem {
  const unnumbered = request.number === null;
  return {
    Put: {
      ...(main.Put as NonNullable<TransactItem['Put']>),
      ConditionExpression: `#status = :expected${unnumbered ? ' AND (attribute_not_exists(#number) OR attribute_type(#number, :null))' : ''}`,
      ExpressionAttributeNames: { '#status': 'status', ...(unnumbered ? { '#number': 'number' } : {}) },
      ExpressionAttributeValues: { ':expected': expectedStatus, ...(unnumbered ? { ':null': 'NULL' } : {}) },
    },
  };
}

function guardPut(participantId: number, guard: RequestGuard): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...guardKey(participantId), entity: KEYS.requestGuard.entity, ...guard },
    },
  };
}

export interface RequestFilter {
  peerParticipantId?: number;
  publicId?: number;
  status?: StoredRequest['status'];
  since?: string;
  until?: string;
  limit: number;
  cursor?: string;
}

export const requestsRepository = {
  /** A new request's number, taken right before it is sent. */
  nextNumber(): Promise<number> {
    return allocateNumber('request');
  },

  /** Gives each request stored before numbers one, oldest first. */
  async numberUnnumbered(): Promise<number> {
    const items = await queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ALL },
    });
    let changed = 0;
    for (const item of items) {
      const r = parseItem(StoredRequestSchema, 'request', withoutKeys(item));
      if (r.number === null && (await numberStoredItem('request', requestKey(r.id), r.id, false)))
        changed += 1;
    }
    return changed;
  },

  async get(id: string): Promise<StoredRequest | undefined> {
    const out = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: requestKey(id),
        ConsistentRead: true,
      }),
    );
    return out.Item ? parseItem(StoredRequestSchema, 'request', withoutKeys(out.Item)) : undefined;
  },

  async getGuard(participantId: number): Promise<RequestGuard | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: guardKey(participantId), ConsistentRead: true }),
    );
    return out.Item ? parseItem(GuardSchema, 'request guard', withoutKeys(out.Item)) : undefined;
  },

  /**
   * Takes the peer's guard for one send (a lease, so a crashed sender cannot hold it for ever). Fails
   * when someone changed the guard since `seen` was read or another send holds an unexpired lease.
   */
  async claimGuard(
    participantId: number,
    seen: RequestGuard | undefined,
    now: Date,
    leaseSeconds: number,
  ): Promise<RequestGuard> {
    const claimed: RequestGuard = {
      request_id: seen?.request_id ?? null,
      pending_until: seen?.pending_until ?? '',
      claimed_until: new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
      version: (seen?.version ?? 0) + 1,
    };
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...guardKey(participantId), entity: KEYS.requestGuard.entity, ...claimed },
          ...(seen
            ? {
                ConditionExpression: 'version = :v AND claimed_until < :now',
                ExpressionAttributeValues: { ':v': seen.version, ':now': now.toISOString() },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new GuardTakenError(err);
      throw err;
    }
    return claimed;
  },

  /** Gives the guard back untouched (the send did not happen). */
  async releaseGuard(participantId: number, claimed: RequestGuard): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...guardKey(participantId), entity: KEYS.requestGuard.entity, ...claimed, claimed_until: '' },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': claimed.version },
      }),
    );
  },

  /**
   * Stores a request after its send (or failed send) together with the given peer state and log
   * items and the guard's new state: all land or none.
   */
  async saveAfterSend(
    request: StoredRequest,
    guard: RequestGuard,
    peerItems: TransactItem[],
    expectedStatus?: StoredRequest['status'],
  ): Promise<void> {
    const [main, ...rest] = requestPuts(request);
    const guarded: TransactItem =
      expectedStatus && main?.Put ? replacing(main, request, expectedStatus) : (main as TransactItem);
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            guarded,
            ...rest,
            guardPut(request.peer_participant_id, { ...guard, claimed_until: '' }),
            // A new request's number is claimed with its first write; a retry keeps it.
            ...(expectedStatus === undefined && request.number !== null
              ? [claimNumber('request', request.number, request.id)]
              : []),
            ...peerItems,
          ],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new RequestChangedError(err);
      throw err;
    }
  },

  /** Replaces a request whose status is still `expectedStatus`, with the peer items, in one transaction. */
  async update(request: StoredRequest, expectedStatus: StoredRequest['status'], peerItems: TransactItem[]) {
    const [main] = requestPuts(request);
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [replacing(main as TransactItem, request, expectedStatus), ...peerItems],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new RequestChangedError(err);
      throw err;
    }
  },

  /** Our state of the peer at each of the exchanges, where there is one (a chosen contact, an override). */
  async peerStates(publicIds: number[], participantId: number): Promise<Map<number, PeerState>> {
    const states = new Map<number, PeerState>();
    if (publicIds.length === 0) return states;
    let keys: Record<string, unknown>[] = publicIds.map((publicId) => ({
      pk: peerStatePartition(publicId),
      sk: peerStateSortKey(participantId),
    }));
    while (keys.length > 0) {
      const got = await ddb().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys.slice(0, 100) } } }),
      );
      keys = [...keys.slice(100), ...(got.UnprocessedKeys?.[tableName()]?.Keys ?? [])];
      for (const item of got.Responses?.[tableName()] ?? []) {
        const state = parseItem(PeerStateSchema, 'peer state', withoutKeys(item));
        states.set(state.public_id, state);
      }
    }
    return states;
  },

  /** Peer state and log items that stand alone (a free-form email's log entries), in one transaction. */
  async writePeerItems(items: TransactItem[]): Promise<void> {
    if (items.length === 0) return;
    await ddb().send(new TransactWriteCommand({ TransactItems: items }));
  },

  /** Newest first. By exchange through the per-exchange items, else by peer or over all requests. */
  async list(filter: RequestFilter): Promise<Page<StoredRequest>> {
    const lower = filter.since ?? '0';
    const upper = `${filter.until ?? '9999'}~`;
    if (filter.publicId !== undefined) return listByExchange(filter.publicId, filter, lower, upper);
    const [index, pkName, skName, pkValue] =
      filter.peerParticipantId !== undefined
        ? (['gsi2', 'gsi2pk', 'gsi2sk', peerPk(filter.peerParticipantId)] as const)
        : (['gsi1', 'gsi1pk', 'gsi1sk', ALL] as const);
    return queryPage(
      {
        IndexName: index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ...(filter.status ? { FilterExpression: '#status = :status' } : {}),
        ExpressionAttributeNames: {
          '#pk': pkName,
          '#sk': skName,
          ...(filter.status ? { '#status': 'status' } : {}),
        },
        ExpressionAttributeValues: {
          ':pk': pkValue,
          ':lo': lower,
          ':hi': upper,
          ...(filter.status ? { ':status': filter.status } : {}),
        },
        ScanIndexForward: false,
      },
      { limit: filter.limit, cursor: filter.cursor },
      { attribute: pkName, value: pkValue },
      (item) => parseItem(StoredRequestSchema, 'request', withoutKeys(item)),
    );
  },
};

async function listByExchange(
  publicId: number,
  filter: RequestFilter,
  lower: string,
  upper: string,
): Promise<Page<StoredRequest>> {
  const pkValue = exchangePk(publicId);
  const { data: ids, next_cursor } = await queryPage(
    {
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': pkValue, ':lo': lower, ':hi': upper },
      ScanIndexForward: false,
    },
    { limit: filter.limit, cursor: filter.cursor },
    { attribute: 'gsi3pk', value: pkValue },
    (item) => String(item.request_id),
  );
  const found = new Map<string, StoredRequest>();
  let keys: Record<string, unknown>[] = ids.map((id) => requestKey(id));
  // BatchGet takes at most 100 keys and may hand some back unprocessed.
  while (keys.length > 0) {
    const batch = keys.slice(0, 100);
    keys = keys.slice(100);
    const got = await ddb().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: batch } } }));
    for (const item of got.Responses?.[tableName()] ?? []) {
      const request = parseItem(StoredRequestSchema, 'request', withoutKeys(item));
      found.set(request.id, request);
    }
    keys.push(...(got.UnprocessedKeys?.[tableName()]?.Keys ?? []));
  }
  const data = ids
    .map((id) => found.get(id))
    .filter((r): r is StoredRequest => r !== undefined)
    .filter((r) => filter.status === undefined || r.status === filter.status)
    .filter(
      (r) => filter.peerParticipantId === undefined || r.peer_participant_id === filter.peerParticipantId,
    );
  return { data, next_cursor };
}
