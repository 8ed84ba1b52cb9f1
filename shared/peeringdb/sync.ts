import { createHash, randomUUID } from 'node:crypto';
import { type Contact, type ExchangeMember, orderContacts, type Presence } from './model';
import { logger } from '../platform/logger';
import { chunked, forEachConcurrently } from '../platform/concurrency';
import {
  getNetworks,
  type ItemKey,
  memberItem,
  memberNetIds,
  netIdOfKey,
  networkMembershipPartition,
  readNetworkPartition,
  sourceItem,
} from './peeringdb-store';
import { queryAll } from '../platform/storage/query';
import { SyncBusyError, type SyncReport, syncRunsRepository, type TypeReport } from './sync-runs-store';
import { BatchWriter, loadStoredIndex, type StoredEntry } from './sync-writer';
import { OBJECT_TYPES, type ObjectType, parseRecord } from './records';
import {
  type PeeringDbSource,
  sameSource,
  type SourceIdentity,
  SourceUnreachableError,
} from './sources/source';

export type { SyncReport };
export { SyncBusyError };

export type SyncMode = 'full' | 'incremental' | 'auto';

export interface SyncOptions {
  source: PeeringDbSource;
  /** `auto`: full when nothing was synced yet or the data present came from another source, incremental otherwise. */
  mode?: SyncMode;
  trigger?: string;
  /** Only these types (tests, partial reloads); all by default. */
  types?: readonly ObjectType[];
  /** Called after each page, for terminal progress. */
  onProgress?: (type: ObjectType, report: TypeReport) => void;
  /** The report id, when the caller announced it before the run started. */
  runId?: string;
  /** What the areas built on PeeringDB's data need from a run. */
  hooks: SyncHooks;
}

/** A network at an exchange, as its member item places it. */
export interface MemberRef {
  publicId: number;
  participantId: number;
  /** The network's name in PeeringDB: it orders the exchange's members. */
  name: string;
}

/**
 * Calls the sync makes into the areas that keep data of their own beside PeeringDB's (our state of
 * each peer): they sit above this one, so they hand these in rather than being called by name.
 */
export interface SyncHooks {
  /** Under the run's lease, before anything is fetched: stored items an earlier version wrote differently. */
  beforeRun(): Promise<void>;
  /** A network's member item moved (PeeringDB renamed it); called once the members are written. */
  memberMoved(member: MemberRef): Promise<void>;
  /** The members of these exchanges changed (added, removed, rewritten); called once they are written. */
  membersChanged(publicIds: number[]): Promise<void>;
}

/** Longer than the sync function's 15-minute timeout, so a killed run's lease lapses by itself. */
const LEASE_SECONDS = 16 * 60;
/** Changes made while a type was being fetched are asked for again next time. */
const CURSOR_OVERLAP_SECONDS = 60;
const REBUILD_CONCURRENCY = 8;
const INVALID_SAMPLES = 20;

const hashOf = (object: unknown) => createHash('sha1').update(JSON.stringify(object)).digest('base64url');

function emptyTypeReport(): TypeReport {
  return {
    fetched: 0,
    added: 0,
    changed: 0,
    deleted: 0,
    unchanged: 0,
    invalid: 0,
    complete: false,
    duration_ms: 0,
    error: null,
  };
}

/**
 * One PeeringDB sync run. Each type is fetched page by page and only objects whose content hash
 * differs from the stored one are written. Deletions come from `status: "deleted"` records, and in
 * a full fetch from objects stored but no longer returned, only once that type's fetch completed.
 * A failed type keeps what it had and its cursor; the run goes on with the other types, is
 * reported failed, and the next run fetches that type again. Exchange members are rebuilt at the
 * end for exactly the networks whose network, contact or netixlan objects changed.
 */
export async function runSync(options: SyncOptions): Promise<SyncReport> {
  const id = options.runId ?? randomUUID();
  const started = new Date();
  const nowSeconds = Math.floor(started.getTime() / 1000);
  const interrupted = await syncRunsRepository.acquireLease(id, LEASE_SECONDS, nowSeconds);
  if (interrupted && interrupted !== id) await closeInterruptedRun(interrupted);

  const { since: cursors, source: dataSource } = await syncRunsRepository.syncedData();
  const source = options.source.identity;
  const plan = planRun(options.mode ?? 'auto', Object.keys(cursors).length > 0, dataSource, source);
  const { mode } = plan;
  const report: SyncReport = {
    id,
    mode,
    trigger: options.trigger ?? 'manual',
    source: options.source.description,
    status: 'running',
    started: started.toISOString(),
    finished: null,
    duration_ms: null,
    error: null,
    types: {},
    members: { written: 0, deleted: 0, unchanged: 0 },
    writes: { source: 0, derived: 0 },
    invalid_samples: [],
    mode_reason: plan.reason,
  };
  const sourceWriter = new BatchWriter();
  const members = new MemberSources();
  const failures: string[] = [];
  let unreachable = false;
  let skipped = false;
  let completed = false;
  const nextCursors = { ...cursors };
  try {
    await syncRunsRepository.save(report);
    // Stored items an earlier version wrote differently are brought up to date under the lease.
    await options.hooks.beforeRun();
    // Cleared once the members are rebuilt: if this run dies first, the next one rebuilds them all.
    const membersWereDirty = await syncRunsRepository.membersDirty();
    await syncRunsRepository.setMembersDirty(true);
    for (const type of options.types ?? OBJECT_TYPES) {
      const since = mode === 'incremental' ? cursors[type] : undefined;
      const fetchStart = Math.floor(Date.now() / 1000);
      const typeReport = emptyTypeReport();
      const t0 = Date.now();
      // Data of another source is replaced: a type this one has nothing of is emptied, not kept.
      const pages =
        options.source.pages(type, since === undefined ? {} : { since }) ?? (plan.replace ? noPages() : null);
      if (!pages) {
        skipped = true;
        continue;
      }
      report.types[type] = typeReport;
      try {
        await syncType(type, pages, since === undefined, {
          report: typeReport,
          runReport: report,
          writer: sourceWriter,
          members,
          onPage: () => options.onProgress?.(type, typeReport),
        });
        typeReport.complete = true;
        completed = true;
        nextCursors[type] = fetchStart - CURSOR_OVERLAP_SECONDS;
      } catch (err) {
        typeReport.error = (err as Error).message;
        failures.push(`${type}: ${typeReport.error}`);
        logger.warn('PeeringDB type sync failed', { type, error: typeReport.error });
        unreachable = err instanceof SourceUnreachableError;
      }
      // The writes of a failed type that did get through are newer data, not damage: keep them.
      await sourceWriter.flush().catch((err) => {
        typeReport.error ??= `write failed: ${(err as Error).message}`;
        throw err;
      });
      typeReport.duration_ms = Date.now() - t0;
      options.onProgress?.(type, typeReport);
      // Progress for GET /sync/runs/{id} while the run goes on.
      report.writes.source = sourceWriter.writes;
      await syncRunsRepository.save(report);
      // The other types would fail the same way: stop here, with what was there kept.
      if (unreachable) break;
    }
    if (membersWereDirty) await members.touchEverything();
    const rebuilt = await rebuildMembers(members, options.hooks);
    await syncRunsRepository.setMembersDirty(false);
    report.members = rebuilt.counts;
    report.writes = { source: sourceWriter.writes, derived: rebuilt.writes };
    await syncRunsRepository.saveCursors(
      nextCursors,
      sourceAfter(
        {
          mode,
          other: plan.other,
          all: !options.types && failures.length === 0 && !(plan.other && skipped),
          completed,
        },
        dataSource,
        source,
      ),
    );
    report.status = failures.length === 0 ? 'succeeded' : 'failed';
    report.error = failures.length === 0 ? null : failures.join('; ');
  } catch (err) {
    report.status = 'failed';
    report.error = [...failures, (err as Error).message].join('; ');
    report.writes.source = sourceWriter.writes;
    logger.error('PeeringDB sync failed', { error: (err as Error).message });
  } finally {
    report.finished = new Date().toISOString();
    report.duration_ms = Date.now() - started.getTime();
    await syncRunsRepository.save(report);
    await syncRunsRepository.releaseLease(id);
  }
  return report;
}

/**
 * Full or incremental, and why. `auto` is full when nothing was synced yet, and when the data
 * present came from another source than this run's (`other`), or from one not recorded (data
 * synced before the source was kept, or a full run that did not finish): an incremental run would
 * keep the rows the new source does not have. Such a run replaces the data: it also empties the
 * types the new source has nothing of. An explicit mode is taken as asked: an explicit incremental
 * run applies changes (a folder of `since` answers) to the data present, an explicit full run
 * refetches the types its source has and leaves the others.
 */
function planRun(
  asked: SyncMode,
  hasData: boolean,
  present: SourceIdentity | null,
  next: SourceIdentity,
): { mode: 'full' | 'incremental'; reason: string; other: boolean; replace: boolean } {
  const other = hasData && (present === null || !sameSource(present, next));
  const otherReason =
    present === null
      ? `the source of the data present is not known (no full run from one source has completed); ${next.label} replaces it`
      : `source changed from ${present.label} to ${next.label}`;
  if (asked === 'incremental')
    return { mode: 'incremental', reason: 'incremental run asked for', other, replace: false };
  if (asked === 'full')
    return {
      mode: 'full',
      reason: other ? `full run asked for; ${otherReason}` : 'full run asked for',
      other,
      replace: false,
    };
  if (!hasData) return { mode: 'full', reason: 'first run: nothing synced yet', other, replace: false };
  if (other) return { mode: 'full', reason: otherReason, other, replace: true };
  return {
    mode: 'incremental',
    reason: `changes since the last run from ${next.label}`,
    other,
    replace: false,
  };
}

/**
 * The source of the data after a run. A full run that fetched every type from its source makes
 * the data that source's; a full run over another source's data that got only partway leaves a
 * mix, known to be no one's, so the next automatic run is full again; anything else keeps what was.
 */
function sourceAfter(
  run: { mode: 'full' | 'incremental'; other: boolean; all: boolean; completed: boolean },
  present: SourceIdentity | null,
  next: SourceIdentity,
): SourceIdentity | null {
  if (run.mode !== 'full') return present;
  if (run.all) return next;
  return run.other && run.completed ? null : present;
}

/** A source with nothing of a type: one empty page, so the full fetch is complete and empty. */
async function* noPages(): AsyncGenerator<unknown[]> {
  yield [];
}

async function closeInterruptedRun(runId: string): Promise<void> {
  const previous = await syncRunsRepository.get(runId);
  if (previous?.status !== 'running') return;
  await syncRunsRepository.save({
    ...previous,
    status: 'failed',
    error: 'interrupted: the run stopped before finishing (its lease expired)',
  });
}

interface TypeContext {
  report: TypeReport;
  runReport: SyncReport;
  writer: BatchWriter;
  members: MemberSources;
  onPage: () => void;
}

async function syncType(
  type: ObjectType,
  pages: AsyncIterable<unknown[]>,
  complete: boolean,
  ctx: TypeContext,
): Promise<void> {
  const stored = await loadStoredIndex(type);
  if (type === 'poc' || type === 'netixlan' || type === 'net') ctx.members.indexes[type] = stored;
  const ixlanToIx = type === 'ixpfx' ? await exchangeOfLans() : undefined;
  const seen = new Set<number>();
  const touchNet = (netId: number | null | undefined) => {
    if (typeof netId === 'number') ctx.members.affected.add(netId);
  };
  const remove = async (id: number, entry: StoredEntry) => {
    await ctx.writer.delete(entry.key);
    stored.delete(id);
    ctx.report.deleted += 1;
    if (type === 'net') touchNet(id);
    if (type === 'poc' || type === 'netixlan') touchNet(netIdOfKey(entry.key));
  };

  for await (const page of pages) {
    for (const raw of page) {
      ctx.report.fetched += 1;
      const parsed = parseRecord(type, raw);
      if (!parsed.ok) {
        ctx.report.invalid += 1;
        if (ctx.runReport.invalid_samples.length < INVALID_SAMPLES) {
          ctx.runReport.invalid_samples.push({ type, id: parsed.id, reason: parsed.reason });
        }
        continue;
      }
      seen.add(parsed.id);
      const entry = stored.get(parsed.id);
      if (parsed.deleted) {
        if (entry) await remove(parsed.id, entry);
        continue;
      }
      const object = parsed.object;
      if (ixlanToIx) object.ix_id = ixlanToIx.get(object.ixlan_id as number) ?? null;
      const hash = hashOf(object);
      if (entry?.hash === hash) {
        ctx.report.unchanged += 1;
        continue;
      }
      const item = sourceItem(type, object, hash);
      const key: ItemKey = { pk: item.pk, sk: item.sk };
      await ctx.writer.put(item);
      if (entry && (entry.key.pk !== key.pk || entry.key.sk !== key.sk)) await ctx.writer.delete(entry.key);
      stored.set(parsed.id, { key, hash });
      if (entry) ctx.report.changed += 1;
      else ctx.report.added += 1;
      if (type === 'net') {
        touchNet(parsed.id);
        if (!entry) ctx.members.newNets.add(parsed.id);
      }
      if (type === 'poc' || type === 'netixlan') {
        ctx.members.remember(type, object);
        touchNet(object.net_id as number);
        if (entry) touchNet(netIdOfKey(entry.key));
      }
    }
    ctx.onPage();
  }

  if (complete) {
    for (const [id, entry] of stored) {
      if (!seen.has(id)) await remove(id, entry);
    }
  }
}

async function exchangeOfLans(): Promise<Map<number, number>> {
  const lans = await loadStoredIndex('ixlan');
  const map = new Map<number, number>();
  for (const [id, entry] of lans) if (entry.ixId !== undefined) map.set(id, entry.ixId);
  return map;
}

/** At most this many contacts and netixlan rows are kept in memory for the rebuild (about 100 MB). */
const REMEMBER_LIMIT = 250_000;

/**
 * What the member rebuild needs to know: the networks whose sources changed, and the contacts and
 * netixlan rows this run wrote. When every stored row of a network was written by this run (always
 * so in a first full run), its members are built from memory and its network item read in a
 * BatchGet, instead of one Query per network.
 */
class MemberSources {
  affected = new Set<number>();
  newNets = new Set<number>();
  indexes: Partial<Record<'net' | 'poc' | 'netixlan', Map<number, StoredEntry>>> = {};
  private rows = new Map<number, { contacts: Contact[]; presences: Presence[] }>();
  private kept = 0;
  private overflow = false;

  remember(type: 'poc' | 'netixlan', object: Record<string, unknown>): void {
    if (this.overflow) return;
    if (++this.kept > REMEMBER_LIMIT) {
      this.overflow = true;
      this.rows.clear();
      return;
    }
    const netId = object.net_id as number;
    const at = this.rows.get(netId) ?? { contacts: [], presences: [] };
    if (type === 'poc') at.contacts.push(object as Contact);
    else at.presences.push(object as Presence);
    this.rows.set(netId, at);
  }

  /**
   * Rows of each network known complete in memory: this run wrote every row stored for it. Hands
   * the rows over and lets go of the indexes, so the rebuild does not hold two copies.
   */
  takeCompleteInMemory(): Map<number, { contacts: Contact[]; presences: Presence[] }> {
    const complete = new Map<number, { contacts: Contact[]; presences: Presence[] }>();
    const { poc, netixlan } = this.indexes;
    this.indexes = {};
    if (this.overflow || !poc || !netixlan) return complete;
    const storedRows = new Map<number, number>();
    for (const index of [poc, netixlan]) {
      for (const entry of index.values()) {
        const netId = netIdOfKey(entry.key);
        if (netId !== null) storedRows.set(netId, (storedRows.get(netId) ?? 0) + 1);
      }
    }
    const empty = { contacts: [], presences: [] };
    for (const netId of this.affected) {
      const rows = this.rows.get(netId) ?? empty;
      // A row written twice in one run (pages that overlap) counts once: keep its last version.
      if (rows.contacts.length + rows.presences.length > (storedRows.get(netId) ?? 0)) {
        rows.contacts = [...new Map(rows.contacts.map((c) => [c.id, c])).values()];
        rows.presences = [...new Map(rows.presences.map((p) => [p.id, p])).values()];
      }
      if (rows.contacts.length + rows.presences.length === (storedRows.get(netId) ?? 0))
        complete.set(netId, rows);
    }
    this.rows.clear();
    return complete;
  }

  /** After a run that died before rebuilding: every network, and every network that still has members. */
  async touchEverything(): Promise<void> {
    const nets = this.indexes.net ?? (await loadStoredIndex('net'));
    for (const id of nets.keys()) this.affected.add(id);
    const exchanges = await loadStoredIndex('ix');
    for (const ixId of exchanges.keys())
      for (const netId of await memberNetIds(ixId)) this.affected.add(netId);
  }
}

/**
 * Rebuilds the member items of the networks whose sources changed. Networks known in memory cost
 * a share of a BatchGet; the others one consistent Query of their partition. Each network's
 * current member items are read (one Query, skipped for networks new in this run) and only the
 * items whose content changed are written.
 */
async function rebuildMembers(
  sources: MemberSources,
  hooks: SyncHooks,
): Promise<{ counts: SyncReport['members']; writes: number }> {
  const writer = new BatchWriter();
  const counts = { written: 0, deleted: 0, unchanged: 0 };
  const inMemory = sources.takeCompleteInMemory();
  const queue = [...sources.affected];
  // Networks renamed at an exchange: their member item moved, so our state of them moves too.
  const renamed: MemberRef[] = [];
  const changedExchanges = new Set<number>();
  const build = async (netId: number, partition: Awaited<ReturnType<typeof readNetworkPartition>>) => {
    const existing = sources.newNets.has(netId) ? [] : await currentMembers(netId);
    const wanted = new Map<string, Record<string, unknown>>();
    if (partition.network) {
      const byExchange = new Map<number, ExchangeMember['presences']>();
      for (const row of partition.presences) {
        const rows = byExchange.get(row.ix_id) ?? [];
        rows.push(row);
        byExchange.set(row.ix_id, rows);
      }
      for (const [ixId, presences] of byExchange) {
        presences.sort((a, b) => a.id - b.id);
        const member: ExchangeMember = {
          network: partition.network,
          presences,
          contacts: partition.contacts,
        };
        const item = memberItem(ixId, member, hashOf(member));
        wanted.set(`${item.pk}\u0000${item.sk}`, item);
      }
    }
    const wantedPartitions = new Set([...wanted.values()].map((item) => item.pk));
    for (const old of existing) {
      const id = `${old.pk}\u0000${old.sk}`;
      const next = wanted.get(id);
      if (!next) {
        await writer.delete(old);
        counts.deleted += 1;
        changedExchanges.add(old.ixId);
        if (partition.network && wantedPartitions.has(old.pk)) {
          renamed.push({ publicId: old.ixId, participantId: netId, name: partition.network.name });
        }
      } else if (next.h === old.h) {
        wanted.delete(id);
        counts.unchanged += 1;
      }
    }
    for (const item of wanted.values()) {
      await writer.put(item);
      counts.written += 1;
      changedExchanges.add(item.ix_id as number);
    }
  };
  await forEachConcurrently(chunked(queue, 100), REBUILD_CONCURRENCY, async (chunk) => {
    const known = chunk.filter((id) => inMemory.has(id));
    const queried = chunk.filter((id) => !inMemory.has(id));
    const networks = await getNetworks(known);
    for (const netId of known) {
      const rows = inMemory.get(netId) as { contacts: Contact[]; presences: Presence[] };
      inMemory.delete(netId);
      await build(netId, {
        network: networks.get(netId),
        contacts: orderContacts(rows.contacts),
        presences: rows.presences,
      });
    }
    for (const netId of queried) await build(netId, await readNetworkPartition(netId));
  });
  await writer.flush();
  // After the members moved, so that a page never finds the state ahead of its member.
  for (let i = 0; i < renamed.length; i += REBUILD_CONCURRENCY) {
    await Promise.all(renamed.slice(i, i + REBUILD_CONCURRENCY).map((member) => hooks.memberMoved(member)));
  }
  if (changedExchanges.size > 0) await hooks.membersChanged([...changedExchanges]);
  return { counts, writes: writer.writes };
}

async function currentMembers(netId: number): Promise<(ItemKey & { h: string; ixId: number })[]> {
  const items = await queryAll({
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': networkMembershipPartition(netId) },
    ProjectionExpression: 'pk, sk, h, ix_id',
  });
  return items.map((i) => ({
    pk: i.pk as string,
    sk: i.sk as string,
    h: i.h as string,
    ixId: i.ix_id as number,
  }));
}
