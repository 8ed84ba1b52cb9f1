import { StorageError } from '../platform/storage/errors';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { OBJECT_TYPES } from './records';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import type { Page } from '../platform/storage/pagination';
import { queryPage } from '../platform/storage/query';
import { KEYS } from '../platform/storage/keys';
import type { SourceIdentity } from './sources/source';

export const TypeReportSchema = z
  .object({
    fetched: z.int(),
    added: z.int(),
    changed: z.int(),
    deleted: z.int(),
    unchanged: z.int(),
    invalid: z.int(),
    /** Whether the whole fetch of this type came back (deletions are only found then). */
    complete: z.boolean(),
    duration_ms: z.int(),
    error: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'SyncTypeReport' }));
export type TypeReport = z.infer<typeof TypeReportSchema>;

/** A run report as stored; the API shows it as `SyncRun` (`sync-run-view.ts`). */
export const SyncReportSchema = z.object({
  id: z.string(),
  mode: z.enum(['full', 'incremental']),
  trigger: z.string(),
  source: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  started: z.string(),
  finished: z.nullable(z.string()),
  duration_ms: z.nullable(z.int()),
  error: z.nullable(z.string()),
  types: z.partialRecord(z.enum(OBJECT_TYPES), TypeReportSchema),
  /** Exchange member items rebuilt from the sources that changed. */
  members: z.object({ written: z.int(), deleted: z.int(), unchanged: z.int() }),
  writes: z.object({ source: z.int(), derived: z.int() }),
  /** The first few records that did not parse, to find them in PeeringDB. */
  invalid_samples: z.array(z.object({ type: z.string(), id: z.nullable(z.int()), reason: z.string() })),
  /** Why the run is full or incremental (reports written before it was kept have none). */
  mode_reason: z.optional(z.string()),
});
export type SyncReport = z.infer<typeof SyncReportSchema>;

const RUNS = KEYS.syncRun.keys.gsi1.pk.build({});
const runKey = (id: string) => KEYS.syncRun.key({ run: id });
const LEASE_KEY = KEYS.syncLease.key({});
const cursorKey = KEYS.syncCursors.key({});
const DIRTY_KEY = KEYS.syncDirty.key({});

async function readCursors() {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: cursorKey, ConsistentRead: true }),
  );
  return out.Item ? parseItem(CursorsSchema, 'sync cursors', withoutKeys(out.Item)) : undefined;
}

export class SyncBusyError extends StorageError {
  constructor(
    readonly holder: string,
    cause?: unknown,
  ) {
    super(`another sync run (${holder}) is in progress`, cause);
  }
}

const LeaseSchema = z.object({ run_id: z.string(), expires_at: z.number() });
const SourceIdentitySchema = z.object({
  kind: z.enum(['api', 'folder', 'generated', 'memory']),
  id: z.string(),
  label: z.string(),
});
const CursorsSchema = z.object({
  since: z.partialRecord(z.enum(OBJECT_TYPES), z.number()),
  /** The source the data present came from, once a full run of every type from it succeeded. */
  source: z.optional(SourceIdentitySchema),
});

export const syncRunsRepository = {
  async save(report: SyncReport): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...runKey(report.id),
          entity: KEYS.syncRun.entity,
          ...KEYS.syncRun.index('gsi1', { started: report.started, run: report.id }),
          ...report,
        },
      }),
    );
  },

  async get(id: string): Promise<SyncReport | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: runKey(id) }));
    return out.Item ? parseItem(SyncReportSchema, 'sync run', withoutKeys(out.Item)) : undefined;
  },

  /** Newest first. */
  list(limit: number, cursor?: string): Promise<Page<SyncReport>> {
    return queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': RUNS },
        ScanIndexForward: false,
      },
      { limit, cursor },
      { attribute: 'gsi1pk', value: RUNS },
      (i) => parseItem(SyncReportSchema, 'sync run', withoutKeys(i)),
    );
  },

  /**
   * Takes the one lease, or throws SyncBusyError while another run holds it. Returns the run that
   * held an expired lease (it was killed midway), so its report can be closed.
   */
  async acquireLease(runId: string, seconds: number, nowSeconds: number): Promise<string | null> {
    const previous = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: LEASE_KEY, ConsistentRead: true }),
    );
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...LEASE_KEY,
            entity: KEYS.syncLease.entity,
            run_id: runId,
            expires_at: nowSeconds + seconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      throw new SyncBusyError(previous.Item ? String(previous.Item.run_id) : 'unknown');
    }
    if (!previous.Item) return null;
    return parseItem(LeaseSchema, 'sync lease', withoutKeys(previous.Item)).run_id;
  },

  /** The run holding a live lease, if any. */
  async leaseHolder(nowSeconds: number): Promise<string | null> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: LEASE_KEY, ConsistentRead: true }),
    );
    if (!out.Item) return null;
    const lease = parseItem(LeaseSchema, 'sync lease', withoutKeys(out.Item));
    return lease.expires_at >= nowSeconds ? lease.run_id : null;
  },

  /**
   * Marks the current lease as lapsed, so the next run takes it over and closes that run's report.
   * Only for a process that knows no other can hold it: the local runtime at start.
   */
  async expireLease(): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: LEASE_KEY,
          UpdateExpression: 'SET expires_at = :lapsed',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':lapsed': 0 },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },

  async releaseLease(runId: string): Promise<void> {
    try {
      await ddb().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: LEASE_KEY,
          ConditionExpression: 'run_id = :me',
          ExpressionAttributeValues: { ':me': runId },
        }),
      );
    } catch (err) {
      // Someone took over an expired lease: it is theirs now.
      if (!isConditionFailure(err)) throw err;
    }
  },

  /** Whether a run wrote sources and stopped before rebuilding the exchange members. */
  async membersDirty(): Promise<boolean> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: DIRTY_KEY, ConsistentRead: true }),
    );
    return out.Item !== undefined;
  },

  async setMembersDirty(dirty: boolean): Promise<void> {
    if (dirty)
      await ddb().send(
        new PutCommand({ TableName: tableName(), Item: { ...DIRTY_KEY, entity: KEYS.syncDirty.entity } }),
      );
    else await ddb().send(new DeleteCommand({ TableName: tableName(), Key: DIRTY_KEY }));
  },

  /** Per object type: the unix time the next incremental fetch asks PeeringDB for changes since. */
  async cursors(): Promise<Partial<Record<(typeof OBJECT_TYPES)[number], number>>> {
    return (await readCursors())?.since ?? {};
  },

  /**
   * The cursors and the source of the data present: none recorded when nothing was synced, when the
   * data predates this record, or while no full run of every type from one source has succeeded.
   */
  async syncedData(): Promise<{
    since: Partial<Record<(typeof OBJECT_TYPES)[number], number>>;
    source: SourceIdentity | null;
  }> {
    const stored = await readCursors();
    return { since: stored?.since ?? {}, source: stored?.source ?? null };
  },

  async saveCursors(
    since: Partial<Record<(typeof OBJECT_TYPES)[number], number>>,
    source: SourceIdentity | null,
  ): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...cursorKey, entity: KEYS.syncCursors.entity, since, ...(source ? { source } : {}) },
      }),
    );
  },
};
