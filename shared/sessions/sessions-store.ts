import { StorageError } from '../platform/storage/errors';
import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys, type TransactItem } from '../platform/storage/items';
import type { Page } from '../platform/storage/pagination';
import { type QueryInput, queryAll, queryPage } from '../platform/storage/query';
import { routerKey } from '../routers';
import { KEYS } from '../platform/storage/keys';
import {
  cancellationReasons,
  isTransactionConflict,
  transactRetryingConflicts,
} from '../platform/storage/transact';
import { allocateNumber, claimNumber, numberStoredItem, releaseNumber } from '../platform/storage/numbers';
import { IpTypeSchema, PolledStateSchema, SessionStateSchema } from '../kernel';

/** A BGP session as stored: the seed's fields, the router as `resource_id`, the password encrypted. */
export const StoredSessionSchema = z.object({
  id: z.string(),
  /** The session's integer id (the v1 API's `id`); null on a session stored before numbers, until migrated. */
  number: z._default(z.nullable(z.int()), null),
  version: z.int(),
  source_asn: z.int(),
  source_ipaddr: z.nullable(z.string()),
  /** The TTL of a multihop eBGP session; null (or absent): the peer is one hop away, on a shared LAN. */
  multihop: z.optional(z.nullable(z.int())),
  resource_id: z.string(),
  resource_name: z.string(),
  peer_asn: z.int(),
  peer_name: z.string(),
  peer_participant_id: z.nullable(z.int()),
  peer_ipaddr: z.string(),
  peer_hostname: z.nullable(z.string()),
  peer_group: z.nullable(z.string()),
  public_id: z.nullable(z.int()),
  public_name: z.nullable(z.string()),
  ip_type: IpTypeSchema,
  type: z.string(),
  state: SessionStateSchema,
  prfx_max: z.nullable(z.int()),
  prfx_received: z.nullable(z.int()),
  /** Envelope from `platform/secrets`; null when the session has no MD5 password. */
  password_ciphertext: z.nullable(z.string()),
  note: z.nullable(z.string()),
  created: z.string(),
  modified: z.string(),
  ...polledFields(),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/**
 * What the router last reported of the session (written by polling, never by an operator; absent
 * until the first poll). `state` above stays peerflow's lifecycle of the session; a poll moves it
 * only between `configured` and `established`.
 */
function polledFields() {
  return {
    bgp_state: z.optional(z.nullable(PolledStateSchema)),
    prfx_accepted: z.optional(z.nullable(z.int())),
    /** When the router was first seen in `bgp_state` (the poll that saw the change). */
    state_since: z.optional(z.nullable(z.string())),
    /** The poll that last wrote these fields; the router's own poll time says how fresh they are. */
    last_polled: z.optional(z.nullable(z.string())),
    /** Why `bgp_state` is `unknown`, or why the router does not list the neighbor. */
    poll_reason: z.optional(z.nullable(z.string())),
    /** When the session left `established`, over the last 24 hours (its flaps). */
    drops: z.optional(z.array(z.string())),
    /** The received prefixes were at 90 % of `prfx_max` or more at the last poll. */
    prefix_limit_near: z.optional(z.boolean()),
    /** Not established, and its peer IP no longer at its exchange in PeeringDB. */
    abandoned: z.optional(z.boolean()),
  };
}

/** A session no poll has seen yet. */
export const NOT_POLLED = {
  bgp_state: null,
  prfx_accepted: null,
  state_since: null,
  last_polled: null,
  poll_reason: null,
  drops: [],
  prefix_limit_near: false,
  abandoned: false,
} as const satisfies Partial<StoredSession>;

/** The fields a poll writes, as it writes them. */
export type PolledSessionFields = Pick<
  Required<StoredSession>,
  | 'bgp_state'
  | 'prfx_received'
  | 'prfx_accepted'
  | 'state_since'
  | 'last_polled'
  | 'poll_reason'
  | 'drops'
  | 'prefix_limit_near'
  | 'abandoned'
  | 'state'
>;

/**
 * The item a poll writes for a session: the polled fields (the lifecycle `state` stays on the
 * session) with the router and peer IP they were observed for. Never written by an operator's edit
 * and never read on its own: every read of sessions merges it in (see `withPolled`).
 */
const PolledItemSchema = z.object({
  session_id: z.string(),
  resource_id: z.string(),
  peer_ipaddr: z.string(),
  bgp_state: z.nullable(PolledStateSchema),
  prfx_received: z.nullable(z.int()),
  prfx_accepted: z.nullable(z.int()),
  state_since: z.nullable(z.string()),
  last_polled: z.nullable(z.string()),
  poll_reason: z.nullable(z.string()),
  drops: z.array(z.string()),
  prefix_limit_near: z.boolean(),
  abandoned: z.boolean(),
  /** When this item was written (`last_polled` is when the router was read). */
  written: z.string(),
});
type PolledItem = z.infer<typeof PolledItemSchema>;

/** The session with what the poll saw of it, when the poll saw it where it is now. */
function merged(s: StoredSession, p: PolledItem | undefined): StoredSession {
  // Observed for another router or peer IP (the session moved while a poll ran): not about it.
  if (!p || p.resource_id !== s.resource_id || p.peer_ipaddr !== s.peer_ipaddr) return s;
  const { session_id: _id, resource_id: _router, peer_ipaddr: _ip, written, ...fields } = p;
  // `prfx_received` is an operator's field too: an edit made since shows until a poll changes it.
  const edited = s.modified > written;
  return { ...s, ...fields, prfx_received: edited ? s.prfx_received : fields.prfx_received };
}

/** Another session on the same router already has this peer IP. */
export class DuplicateSessionError extends StorageError {
  constructor(cause?: unknown) {
    super('a session with this peer IP exists on this router', cause);
  }
}

/** The session changed (or vanished) since it was read. */
export class StaleSessionError extends StorageError {
  constructor(cause?: unknown) {
    super('session changed meanwhile', cause);
  }
}

export class RouterGoneError extends StorageError {
  constructor(cause?: unknown) {
    super('router does not exist', cause);
  }
}

const ALL_SESSIONS = KEYS.session.keys.gsi1.pk.build({});
const NO_EXCHANGE = 'none';
const BY_EXCHANGE = KEYS.session.keys.gsi2;
const BY_ROUTER = KEYS.session.keys.gsi3;

export const sessionKey = (id: string) => KEYS.session.key({ session: id });
const polledKey = (id: string) => KEYS.sessionPolled.key({ session: id });
/** The uniqueness guard of (router, peer IP); its key is the pair itself. */
const guardKey = (routerId: string, peerIp: string) => KEYS.sessionGuard.key({ router: routerId, peerIp });
const exchangePartition = (publicId: number | null) => BY_EXCHANGE.pk.build({ ix: publicId ?? NO_EXCHANGE });
const routerPartition = (routerId: string) => BY_ROUTER.pk.build({ router: routerId });

function sessionItem(s: StoredSession) {
  return {
    ...sessionKey(s.id),
    ...KEYS.session.index('gsi1', { created: s.created, session: s.id }),
    ...KEYS.session.index('gsi2', {
      ix: s.public_id ?? NO_EXCHANGE,
      net: s.peer_participant_id ?? 0,
      session: s.id,
    }),
    ...KEYS.session.index('gsi3', { router: s.resource_id, peerIp: s.peer_ipaddr, session: s.id }),
    entity: KEYS.session.entity,
    ...s,
  };
}

function guardPut(s: StoredSession): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...guardKey(s.resource_id, s.peer_ipaddr), entity: KEYS.sessionGuard.entity, session_id: s.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function guardDelete(s: StoredSession): TransactItem {
  return {
    Delete: {
      TableName: tableName(),
      Key: guardKey(s.resource_id, s.peer_ipaddr),
      ConditionExpression: 'session_id = :id',
      ExpressionAttributeValues: { ':id': s.id },
    },
  };
}

function routerCount(routerId: string, delta: 1 | -1): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: routerKey(routerId),
      UpdateExpression: 'ADD session_count :d',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':d': delta },
    },
  };
}

function putVersioned(next: StoredSession, previousVersion: number): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: sessionItem(next),
      ConditionExpression: 'attribute_exists(pk) AND version = :v',
      ExpressionAttributeValues: { ':v': previousVersion },
    },
  };
}

/** Equality (or substring, or prefix) filters on session attributes; every field optional. */
export interface SessionFilter {
  id?: string;
  public_id?: number;
  source_asn?: number;
  source_ipaddr?: string;
  resource_id?: string;
  peer_asn?: number;
  peer_participant_id?: number;
  peer_ipaddr?: string;
  peer_group?: string;
  type?: string;
  state?: string;
  bgp_state?: string;
  abandoned?: boolean;
  prfx_max?: number;
  prfx_received?: number;
  ip_type?: string;
  password_set?: boolean;
  /** Substring, case-sensitive. */
  peer_name?: string;
  peer_hostname?: string;
  note?: string;
  /** Prefix of the ISO timestamp: `2026-11` matches the month. */
  created?: string;
  modified?: string;
}

const EQUAL_FIELDS = [
  'id',
  'public_id',
  'source_asn',
  'source_ipaddr',
  'resource_id',
  'peer_asn',
  'peer_participant_id',
  'peer_ipaddr',
  'peer_group',
  'type',
  'state',
  'prfx_max',
  'ip_type',
] as const;
/** Fields a poll writes in the session's polled item: matched once it is merged in, not by the Query. */
const POLLED_FIELDS = ['bgp_state', 'abandoned', 'prfx_received'] as const;

/** The part of a filter on polled fields, as a test of merged sessions. */
function polledMatch(filter: SessionFilter): (s: StoredSession) => boolean {
  const wanted = POLLED_FIELDS.filter((f) => filter[f] !== undefined);
  return (s) => wanted.every((f) => (s[f] ?? (f === 'abandoned' ? false : null)) === filter[f]);
}
const CONTAINS_FIELDS = ['peer_name', 'peer_hostname', 'note'] as const;
const PREFIX_FIELDS = ['created', 'modified'] as const;

/** The Query that serves a filter: the most selective index, the remaining fields as a filter expression. */
function queryFor(filter: SessionFilter): {
  input: QueryInput;
  partition: { attribute: string; value: string };
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let index: 'gsi1' | 'gsi2' | 'gsi3';
  let keyCondition: string;
  const keyed = new Set<string>();
  if (filter.resource_id !== undefined) {
    index = 'gsi3';
    values[':pk'] = routerPartition(filter.resource_id);
    keyed.add('resource_id');
    if (filter.peer_ipaddr !== undefined) {
      values[':sk'] = BY_ROUTER.sk.prefix({ peerIp: filter.peer_ipaddr });
      keyed.add('peer_ipaddr');
    }
  } else if (filter.public_id !== undefined) {
    index = 'gsi2';
    values[':pk'] = exchangePartition(filter.public_id);
    keyed.add('public_id');
    if (filter.peer_participant_id !== undefined) {
      values[':sk'] = BY_EXCHANGE.sk.prefix({ net: filter.peer_participant_id });
      keyed.add('peer_participant_id');
    }
  } else {
    index = 'gsi1';
    values[':pk'] = ALL_SESSIONS;
  }
  keyCondition = `${index}pk = :pk`;
  if (values[':sk'] !== undefined) keyCondition += ` AND begins_with(${index}sk, :sk)`;

  const conditions: string[] = [];
  let n = 0;
  const bind = (field: string, value: unknown) => {
    n += 1;
    names[`#a${n}`] = field;
    values[`:a${n}`] = value;
    return [`#a${n}`, `:a${n}`] as const;
  };
  for (const field of EQUAL_FIELDS) {
    const value = filter[field];
    if (value === undefined || keyed.has(field)) continue;
    const [name, val] = bind(field, value);
    conditions.push(`${name} = ${val}`);
  }
  for (const field of CONTAINS_FIELDS) {
    const value = filter[field];
    if (value === undefined) continue;
    const [name, val] = bind(field, value);
    conditions.push(`contains(${name}, ${val})`);
  }
  for (const field of PREFIX_FIELDS) {
    const value = filter[field];
    if (value === undefined) continue;
    const [name, val] = bind(field, value);
    conditions.push(`begins_with(${name}, ${val})`);
  }
  if (filter.password_set !== undefined) {
    const [name, val] = bind('password_ciphertext', filter.password_set ? 'S' : 'NULL');
    conditions.push(`attribute_type(${name}, ${val})`);
  }
  return {
    input: {
      IndexName: index,
      KeyConditionExpression: keyCondition,
      ...(conditions.length > 0 ? { FilterExpression: conditions.join(' AND ') } : {}),
      ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
    },
    partition: { attribute: `${index}pk`, value: values[':pk'] as string },
  };
}

export type PolledRead = Pick<StoredSession, 'id' | 'resource_id' | 'peer_ipaddr' | 'state' | 'bgp_state'>;

/** Moves a session's lifecycle as a poll saw it, if the session is still the one the poll matched. */
export function lifecycleUpdate(read: PolledRead, next: StoredSession['state']) {
  return {
    TableName: tableName(),
    Key: sessionKey(read.id),
    UpdateExpression: 'SET #state = :next',
    ConditionExpression: 'resource_id = :router AND peer_ipaddr = :ip AND #state = :state',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':next': next,
      ':router': read.resource_id,
      ':ip': read.peer_ipaddr,
      ':state': read.state,
    },
  };
}

export function polledItem(read: PolledRead, polled: PolledSessionFields) {
  const { state: _lifecycle, ...fields } = polled;
  return {
    ...polledKey(read.id),
    ...KEYS.sessionPolled.index('gsi1', { router: read.resource_id, session: read.id }),
    entity: KEYS.sessionPolled.entity,
    session_id: read.id,
    resource_id: read.resource_id,
    peer_ipaddr: read.peer_ipaddr,
    ...fields,
    written: new Date().toISOString(),
  } satisfies PolledItem & Record<string, unknown>;
}

/** Gets items by key, 100 to a request (all at once), again what DynamoDB left unprocessed. */
async function getAll(
  keys: readonly Record<string, unknown>[],
  consistent: boolean,
): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const found = await Promise.all(
    chunks.map(async (chunk) => {
      const items: Record<string, unknown>[] = [];
      let wanted = chunk;
      for (let attempt = 0; wanted.length > 0; attempt += 1) {
        const out = await ddb().send(
          new BatchGetCommand({
            RequestItems: { [tableName()]: { Keys: wanted, ConsistentRead: consistent } },
          }),
        );
        items.push(...(out.Responses?.[tableName()] ?? []));
        wanted = (out.UnprocessedKeys?.[tableName()]?.Keys ?? []) as Record<string, unknown>[];
        if (wanted.length === 0) break;
        if (attempt >= 8) throw new Error('DynamoDB left session items unread');
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
      return items;
    }),
  );
  return found.flat();
}

/** Sessions with their polled items merged in (one BatchGetItem per 100 sessions, at once). */
async function withPolled(sessions: StoredSession[], consistent = false): Promise<StoredSession[]> {
  if (sessions.length === 0) return sessions;
  const items = await getAll(
    sessions.map((s) => polledKey(s.id)),
    consistent,
  );
  return mergeAll(sessions, items);
}

function mergeAll(sessions: StoredSession[], polledItems: Record<string, unknown>[]): StoredSession[] {
  const byId = new Map<string, PolledItem>();
  for (const item of polledItems) {
    const p = parseItem(PolledItemSchema, 'polled session', withoutKeys(item));
    byId.set(p.session_id, p);
  }
  return sessions.map((s) => merged(s, byId.get(s.id)));
}

/** A router's polled items: one Query, small items (what a poll reads beside the sessions). */
function polledOfRouter(routerId: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': KEYS.sessionPolled.keys.gsi1.pk.build({ router: routerId }) },
  });
}

const parseSession = (item: Record<string, unknown>) =>
  parseItem(StoredSessionSchema, 'session', withoutKeys(item));

export const sessionsRepository = {
  /** A new session's number, taken right before its create. */
  nextNumber(): Promise<number> {
    return allocateNumber('session');
  },

  /** The session with its polled item, both in one request. */
  async get(id: string): Promise<StoredSession | undefined> {
    const items = await getAll([sessionKey(id), polledKey(id)], true);
    const item = items.find((i) => i.sk === sessionKey(id).sk);
    if (!item) return undefined;
    const polled = items.find((i) => i.sk === polledKey(id).sk);
    return merged(
      parseSession(item),
      polled ? parseItem(PolledItemSchema, 'polled session', withoutKeys(polled)) : undefined,
    );
  },

  /**
   * One transaction: the session, its (router, peer IP) guard, the router's session count and the
   * peer log entries. Of concurrent identical adds, the guard lets exactly one through.
   */
  async create(session: StoredSession, log: TransactItem[]): Promise<void> {
    try {
      await transactRetryingConflicts([
        {
          Put: {
            TableName: tableName(),
            Item: sessionItem(session),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        guardPut(session),
        routerCount(session.resource_id, 1),
        ...(session.number !== null ? [claimNumber('session', session.number, session.id)] : []),
        ...log,
      ]);
    } catch (err) {
      if (isConditionFailure(err)) {
        const reasons = cancellationReasons(err);
        if (reasons[2]?.Code === 'ConditionalCheckFailed') throw new RouterGoneError(err);
        throw new DuplicateSessionError(err);
      }
      if (isTransactionConflict(err)) throw new DuplicateSessionError(err);
      throw err;
    }
  },

  /** Replaces `current` with `next` if nobody changed it meanwhile; moves the guard when the pair changed. */
  async update(current: StoredSession, next: StoredSession, log: TransactItem[]): Promise<void> {
    const moved = current.resource_id !== next.resource_id || current.peer_ipaddr !== next.peer_ipaddr;
    const routerChanged = current.resource_id !== next.resource_id;
    const items: TransactItem[] = [
      putVersioned(next, current.version),
      ...(moved ? [guardPut(next), guardDelete(current)] : []),
      ...(routerChanged ? [routerCount(next.resource_id, 1), routerCount(current.resource_id, -1)] : []),
      ...log,
    ];
    try {
      await transactRetryingConflicts(items);
    } catch (err) {
      if (isConditionFailure(err)) {
        const reasons = cancellationReasons(err);
        if (moved && reasons[1]?.Code === 'ConditionalCheckFailed') throw new DuplicateSessionError(err);
        if (routerChanged && reasons[3]?.Code === 'ConditionalCheckFailed') throw new RouterGoneError(err);
        throw new StaleSessionError(err);
      }
      if (isTransactionConflict(err)) throw new StaleSessionError(err);
      throw err;
    }
  },

  async remove(session: StoredSession, log: TransactItem[]): Promise<void> {
    try {
      await transactRetryingConflicts([
        {
          Delete: {
            TableName: tableName(),
            Key: sessionKey(session.id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': session.version },
          },
        },
        guardDelete(session),
        routerCount(session.resource_id, -1),
        { Delete: { TableName: tableName(), Key: polledKey(session.id) } },
        ...(session.number !== null ? [releaseNumber('session', session.number)] : []),
        ...log,
      ]);
    } catch (err) {
      if (isConditionFailure(err) || isTransactionConflict(err)) throw new StaleSessionError(err);
      throw err;
    }
  },

  /** The session's new state, its config revision and the peer log, written together. */
  async configure(current: StoredSession, next: StoredSession, extra: TransactItem[]): Promise<void> {
    try {
      await transactRetryingConflicts([putVersioned(next, current.version), ...extra]);
    } catch (err) {
      if (isConditionFailure(err) || isTransactionConflict(err)) throw new StaleSessionError(err);
      throw err;
    }
  },

  /**
   * Carries a router's new host name onto its sessions' `resource_name`. Not a change of the
   * session itself, so the version stays: nobody's pending update becomes stale by it.
   */
  async renameRouter(routerId: string, hostname: string): Promise<void> {
    for (const s of await this.listAll({ resource_id: routerId })) {
      try {
        await ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: sessionKey(s.id),
            UpdateExpression: 'SET resource_name = :h',
            ConditionExpression: 'resource_id = :r',
            ExpressionAttributeValues: { ':h': hostname, ':r': routerId },
          }),
        );
      } catch (err) {
        // The session moved to another router or went away meanwhile: its name is not ours to set.
        if (!isConditionFailure(err)) throw err;
      }
    }
  },

  /**
   * Writes what a poll saw of a session in the session's polled item, which nothing but polls
   * writes, so no field of the session is touched and a session deleted meanwhile is not re-created
   * (its polled item alone is never read). When the poll moves the session's lifecycle, that move is
   * written first, on the session, only if the session is still the one the poll matched: on the same
   * router, with the same peer IP, in the lifecycle state the poll read; otherwise nothing is written
   * and the answer is false (the next poll sees the session again). Not a change of the session's own
   * fields, so its version stays (an operator's edit in flight is not made stale by a poll).
   */
  async savePolled(read: PolledRead, polled: PolledSessionFields): Promise<boolean> {
    if (polled.state !== read.state) {
      try {
        await ddb().send(new UpdateCommand(lifecycleUpdate(read, polled.state)));
      } catch (err) {
        if (isConditionFailure(err)) return false;
        throw err;
      }
    }
    await ddb().send(new PutCommand({ TableName: tableName(), Item: polledItem(read, polled) }));
    return true;
  },

  /** Gives each session stored before numbers one, oldest first (the version goes up with it). */
  async numberUnnumbered(): Promise<number> {
    let changed = 0;
    for (const s of await this.listAll({})) {
      if (s.number === null && (await numberStoredItem('session', sessionKey(s.id), s.id, true)))
        changed += 1;
    }
    return changed;
  },

  /**
   * A page of sessions, their polled items merged in. Like a filter expression, a filter on polled
   * fields may leave a page shorter than `limit`, with a cursor to the next.
   */
  async list(filter: SessionFilter, limit: number, cursor?: string): Promise<Page<StoredSession>> {
    const { input, partition } = queryFor(filter);
    const page = await queryPage(input, { limit, cursor }, partition, parseSession);
    return { ...page, data: (await withPolled(page.data)).filter(polledMatch(filter)) };
  },

  /** Every session that matches, across pages (deletion by filter, a router's whole config, a poll). */
  async listAll(filter: SessionFilter): Promise<StoredSession[]> {
    if (filter.resource_id !== undefined) {
      // A router's sessions and its polled items: two Queries at once.
      const [items, polled] = await Promise.all([
        queryAll(queryFor(filter).input),
        polledOfRouter(filter.resource_id),
      ]);
      return mergeAll(items.map(parseSession), polled).filter(polledMatch(filter));
    }
    const items = await queryAll(queryFor(filter).input);
    return (await withPolled(items.map(parseSession))).filter(polledMatch(filter));
  },
};

/**
 * Our sessions' states with each peer at one exchange, for `is_peer` in the peers view: one Query
 * on the exchange index, reading only the two attributes it needs.
 */
export async function listSessionStatesAtExchange(
  publicId: number,
): Promise<{ peer_participant_id: number; state: string }[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': exchangePartition(publicId) },
    ProjectionExpression: 'peer_participant_id, #state',
    ExpressionAttributeNames: { '#state': 'state' },
  });
  const found: { peer_participant_id: number; state: string }[] = [];
  for (const item of items) {
    if (typeof item.peer_participant_id === 'number' && typeof item.state === 'string') {
      found.push({ peer_participant_id: item.peer_participant_id, state: item.state });
    }
  }
  return found;
}
