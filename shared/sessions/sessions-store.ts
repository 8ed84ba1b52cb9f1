import { StorageError } from '../platform/storage/errors';
import { BatchExecuteStatementCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

const sessionKey = (id: string) => KEYS.session.key({ session: id });
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
  'bgp_state',
  'abandoned',
  'prfx_max',
  'prfx_received',
  'ip_type',
] as const;
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

type PolledRead = Pick<StoredSession, 'id' | 'resource_id' | 'peer_ipaddr' | 'state' | 'bgp_state'>;

/** The conditional update of a session's polled fields (see `savePolled`). */
function polledUpdate(read: PolledRead, polled: PolledSessionFields) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':router': read.resource_id,
    ':ip': read.peer_ipaddr,
    ':state': read.state,
  };
  const sets: string[] = [];
  for (const [i, [field, value]] of Object.entries(polled).entries()) {
    names[`#p${i}`] = field;
    values[`:p${i}`] = value;
    sets.push(`#p${i} = :p${i}`);
  }
  names['#state'] = 'state';
  names['#bgp'] = 'bgp_state';
  const sameBgp =
    (read.bgp_state ?? null) === null ? '(attribute_not_exists(#bgp) OR #bgp = :nothing)' : '#bgp = :bgp';
  if ((read.bgp_state ?? null) === null) values[':nothing'] = null;
  else values[':bgp'] = read.bgp_state;
  return {
    TableName: tableName(),
    Key: sessionKey(read.id),
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `resource_id = :router AND peer_ipaddr = :ip AND #state = :state AND ${sameBgp}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The same write as `polledUpdate`, as a PartiQL statement for a batch: the WHERE clause names the
 * item by its key and carries the same conditions (a session that is gone fails them too: PartiQL
 * never creates an item by UPDATE).
 */
function polledStatement(read: PolledRead, polled: PolledSessionFields) {
  const key = sessionKey(read.id);
  const parameters: unknown[] = [];
  const sets: string[] = [];
  for (const [field, value] of Object.entries(polled)) {
    sets.push(`SET "${field}" = ?`);
    parameters.push(value);
  }
  const sameBgp =
    (read.bgp_state ?? null) === null
      ? `("bgp_state" IS MISSING OR attribute_type("bgp_state", 'NULL'))`
      : '"bgp_state" = ?';
  parameters.push(key.pk, key.sk, read.resource_id, read.peer_ipaddr, read.state);
  if ((read.bgp_state ?? null) !== null) parameters.push(read.bgp_state);
  return {
    Statement:
      `UPDATE "${tableName()}" ${sets.join(' ')} WHERE "pk" = ? AND "sk" = ? ` +
      `AND "resource_id" = ? AND "peer_ipaddr" = ? AND "state" = ? AND ${sameBgp}`,
    Parameters: parameters,
  };
}

const parseSession = (item: Record<string, unknown>) =>
  parseItem(StoredSessionSchema, 'session', withoutKeys(item));

export const sessionsRepository = {
  /** A new session's number, taken right before its create. */
  nextNumber(): Promise<number> {
    return allocateNumber('session');
  },

  async get(id: string): Promise<StoredSession | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: sessionKey(id), ConsistentRead: true }),
    );
    return out.Item ? parseSession(out.Item) : undefined;
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
   * Writes what a poll saw of a session, if the session is still the one the poll matched: on the
   * same router, with the same peer IP, in the lifecycle state and polled state the poll read. Not
   * a change of the session's own fields, so its version stays (an operator's edit in flight is not
   * made stale by a poll). False when the session moved on meanwhile: the next poll sees it again.
   */
  async savePolled(read: PolledRead, polled: PolledSessionFields): Promise<boolean> {
    try {
      await ddb().send(new UpdateCommand(polledUpdate(read, polled)));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  /**
   * `savePolled` of up to 25 sessions in one request (PartiQL's BatchExecuteStatement): each
   * statement keeps its own conditions and fails alone, none is transactional, so each costs what a
   * single UpdateItem costs. For each write, in order: `written`, `stale` (the session moved on or
   * went: not written), or `retry` (DynamoDB refused the statement for another reason, throttling
   * say: not written; `savePolled` it on its own).
   */
  async savePolledBatch(
    writes: readonly { read: PolledRead; polled: PolledSessionFields }[],
  ): Promise<('written' | 'stale' | 'retry')[]> {
    if (writes.length === 0) return [];
    const out = await ddb().send(
      new BatchExecuteStatementCommand({
        Statements: writes.map((w) => polledStatement(w.read, w.polled)),
      }),
    );
    return writes.map((_, i) => {
      const error = out.Responses?.[i]?.Error;
      if (!error) return 'written';
      return error.Code === 'ConditionalCheckFailed' ? 'stale' : 'retry';
    });
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

  async list(filter: SessionFilter, limit: number, cursor?: string): Promise<Page<StoredSession>> {
    const { input, partition } = queryFor(filter);
    return queryPage(input, { limit, cursor }, partition, parseSession);
  },

  /** Every session that matches, across pages (deletion by filter, a router's whole config). */
  async listAll(filter: SessionFilter): Promise<StoredSession[]> {
    const items = await queryAll(queryFor(filter).input);
    return items.map(parseSession);
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
