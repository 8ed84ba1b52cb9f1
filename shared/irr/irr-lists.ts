import { createHash } from 'node:crypto';
import type { Caller } from '../platform/auth/caller';
import { config } from '../platform/config';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import { logger } from '../platform/logger';
import { peeringDb } from '../peeringdb';
import { parseAsSetList, refsText } from './as-set-names';
import { expandAsSets } from './expand';
import { IrrConnection } from './irr-client';
import {
  type IrrStatus,
  IrrRaceError,
  irrRepository,
  type IrrVersion,
  type PrefixLists,
  type StoredIrr,
} from './irr-store';

/**
 * A peer's prefix lists as the renderers read them. `ipv4` and `ipv6` are the last good lists
 * (entries as `parsePrefixEntry` reads them); `status` is how the latest refresh went:
 * - ok: the lists are that refresh's.
 * - empty: the sets hold no prefix, or the peer names no set: render an explicit deny.
 * - too_large: the sets were over the limit and refused; the lists are the previous good ones (or empty).
 * - failed: the IRR server failed or the set name is unusable; the lists are the previous good ones (or empty).
 */
export interface PrefixListSet {
  as_set: string;
  ipv4: readonly string[];
  ipv6: readonly string[];
  /** When the lists were fetched; null when no refresh gave lists yet. */
  refreshed_at: string | null;
  status: IrrStatus;
}

/** The current lists of these peers; a peer never refreshed is not in the map. */
export async function readPrefixLists(
  participantIds: readonly number[],
): Promise<Map<number, PrefixListSet>> {
  const records = await irrRepository.getMany(participantIds);
  const lists = await irrRepository.lists([...records.values()]);
  const out = new Map<number, PrefixListSet>();
  for (const [net, r] of records) {
    const l = lists.get(net) ?? { ipv4: [], ipv6: [] };
    out.set(net, {
      as_set: r.as_set,
      ipv4: l.ipv4,
      ipv6: l.ipv6,
      refreshed_at: r.refreshed_at,
      status: r.status,
    });
  }
  return out;
}

export interface IrrView {
  participant_id: number;
  /** The sets the next refresh uses: the override, else PeeringDB's irr_as_set. */
  as_set: string;
  as_set_source: 'peeringdb' | 'override' | 'none';
  peeringdb_as_set: string | null;
  override: StoredIrr['override'];
  status: IrrStatus | 'not_refreshed';
  refreshed_at: string | null;
  attempted_at: string | null;
  error: string | null;
  notes: string[];
  aggregated: boolean;
  digest: string | null;
  ipv4_count: number;
  ipv6_count: number;
  ipv4: string[];
  ipv6: string[];
  history: IrrVersion[];
}

interface Subject {
  net: number;
  record: StoredIrr | undefined;
  peeringDbSet: string | null;
}

async function subject(net: number): Promise<Subject> {
  const [record, network] = await Promise.all([irrRepository.get(net), peeringDb.getNetwork(net)]);
  if (!record && !network) throw new NotFoundError(`Network ${net} is not in the PeeringDB data`);
  return { net, record, peeringDbSet: network ? network.irr_as_set : null };
}

function chosenSets(s: Subject): { text: string; source: IrrView['as_set_source'] } {
  if (s.record?.override) return { text: s.record.override.as_set, source: 'override' };
  if (s.peeringDbSet !== null && s.peeringDbSet.trim() !== '')
    return { text: s.peeringDbSet, source: 'peeringdb' };
  return { text: '', source: 'none' };
}

async function view(s: Subject): Promise<IrrView> {
  const chosen = chosenSets(s);
  const r = s.record;
  const lists = r ? (await irrRepository.lists([r])).get(s.net)! : { ipv4: [], ipv6: [] };
  return {
    participant_id: s.net,
    as_set: chosen.text,
    as_set_source: chosen.source,
    peeringdb_as_set: s.peeringDbSet,
    override: r?.override ?? null,
    status: r && r.attempted_at ? r.status : 'not_refreshed',
    refreshed_at: r?.refreshed_at ?? null,
    attempted_at: r?.attempted_at ?? null,
    error: r?.error ?? null,
    notes: r?.notes ?? [],
    aggregated: r?.current?.aggregated ?? false,
    digest: r?.current?.digest ?? null,
    ipv4_count: lists.ipv4.length,
    ipv6_count: lists.ipv6.length,
    ipv4: lists.ipv4,
    ipv6: lists.ipv6,
    history: r?.history ?? [],
  };
}

export async function getIrr(net: number): Promise<IrrView> {
  return view(await subject(net));
}

function blank(net: number): StoredIrr {
  return {
    participant_id: net,
    override: null,
    as_set: '',
    as_set_source: 'none',
    status: 'empty',
    refreshed_at: null,
    attempted_at: null,
    error: null,
    notes: [],
    current: null,
    history: [],
    revision: 0,
  };
}

async function store(
  next: StoredIrr,
  expected: number,
  lists?: PrefixLists,
  previous?: StoredIrr['current'],
) {
  try {
    await irrRepository.put(next, expected, lists, previous);
  } catch (err) {
    if (err instanceof IrrRaceError) {
      throw new ConflictError(
        `The IRR lists of network ${next.participant_id} changed at the same time; try again`,
      );
    }
    throw err;
  }
}

/**
 * Sets (or, with null, removes) the sets used for a peer instead of PeeringDB's, then refreshes its
 * lists from them. A name that is not an RPSL set name is refused and nothing is stored.
 */
export async function setIrrOverride(net: number, asSet: string | null, caller: Caller): Promise<IrrView> {
  let text: string | null = null;
  if (asSet !== null) {
    const parsed = parseAsSetList(asSet);
    if (!parsed.ok)
      throw new ValidationError('Not an AS-SET list', [{ path: 'body.as_set', message: parsed.problem }]);
    if (parsed.refs.length === 0) {
      throw new ValidationError('Not an AS-SET list', [
        { path: 'body.as_set', message: 'names no set (send null to use PeeringDB’s again)' },
      ]);
    }
    text = refsText(parsed.refs);
  }
  const s = await subject(net);
  const current = s.record ?? blank(net);
  const next: StoredIrr = {
    ...current,
    override: text === null ? null : { as_set: text, set_by: caller.email, set_at: new Date().toISOString() },
    revision: current.revision + 1,
  };
  await store(next, current.revision);
  return refreshIrr(net);
}

export interface RefreshOptions {
  /** A connection to reuse (the daily job keeps one per worker); one is opened otherwise. */
  connection?: IrrConnection;
}

export function openIrrConnection(): Promise<IrrConnection> {
  const c = config();
  return IrrConnection.open({
    host: c.IRR_HOST,
    port: c.IRR_PORT,
    timeoutMs: c.IRR_TIMEOUT_MS,
    maxAnswerBytes: 64 * 1024 * 1024,
  });
}

type Outcome =
  | { good: true; status: 'ok' | 'empty'; lists: PrefixLists; notes: string[] }
  | { good: false; status: 'too_large' | 'failed'; error: string };

async function fetchLists(
  text: string,
  source: IrrView['as_set_source'],
  options: RefreshOptions,
): Promise<Outcome> {
  const parsed = parseAsSetList(text);
  const what = source === 'override' ? 'the override' : "PeeringDB's irr_as_set";
  if (!parsed.ok) return { good: false, status: 'failed', error: `${what} is unusable: ${parsed.problem}` };
  if (parsed.refs.length === 0) {
    return {
      good: true,
      status: 'empty',
      lists: { ipv4: [], ipv6: [] },
      notes: ['the network names no AS-SET'],
    };
  }
  const c = config();
  let conn = options.connection;
  try {
    conn ??= await openIrrConnection();
    const out = await expandAsSets(conn, parsed.refs, {
      sources: c.IRR_SOURCES.toUpperCase(),
      aggregate: c.IRR_AGGREGATE,
      maxPrefixes: c.IRR_MAX_PREFIXES,
      maxAsns: c.IRR_MAX_ASNS,
    });
    if (out.outcome === 'too_large')
      return { good: false, status: 'too_large', error: `Refused: ${out.message}` };
    const lists = { ipv4: out.ipv4, ipv6: out.ipv6 };
    return {
      good: true,
      status: lists.ipv4.length + lists.ipv6.length === 0 ? 'empty' : 'ok',
      lists,
      notes: out.notes,
    };
  } catch (err) {
    return { good: false, status: 'failed', error: (err as Error).message.slice(0, 500) };
  } finally {
    if (!options.connection) conn?.close();
  }
}

const digestOf = (lists: PrefixLists) => createHash('sha256').update(JSON.stringify(lists)).digest('hex');

/**
 * Fetches a peer's lists again and stores the outcome. A failed or refused refresh keeps the last
 * good lists and records why; every refresh enters the history.
 */
export async function refreshIrr(net: number, options: RefreshOptions = {}): Promise<IrrView> {
  const s = await subject(net);
  const chosen = chosenSets(s);
  const outcome = await fetchLists(chosen.text, chosen.source, options);
  const current = s.record ?? blank(net);
  const now = new Date().toISOString();
  const c = config();
  let next: StoredIrr;
  let lists: PrefixLists | undefined;
  let digest: string | null = null;
  if (outcome.good) {
    lists = outcome.lists;
    digest = digestOf(lists);
    next = {
      ...current,
      as_set: chosen.text,
      as_set_source: chosen.source,
      status: outcome.status,
      refreshed_at: now,
      attempted_at: now,
      error: null,
      notes: outcome.notes,
      current: {
        digest,
        ipv4: lists.ipv4.length,
        ipv6: lists.ipv6.length,
        aggregated: c.IRR_AGGREGATE,
        chunks: current.current?.digest === digest ? current.current.chunks : 0,
      },
    };
    if (current.current?.digest === digest) lists = undefined; // the same lists: nothing to write
  } else {
    logger.warn('IRR refresh kept the previous lists', {
      participant_id: net,
      status: outcome.status,
      error: outcome.error,
    });
    next = { ...current, status: outcome.status, attempted_at: now, error: outcome.error, notes: [] };
  }
  const entry: IrrVersion = {
    at: now,
    as_set: chosen.text,
    status: outcome.status,
    ipv4: next.current?.ipv4 ?? 0,
    ipv6: next.current?.ipv6 ?? 0,
    digest,
    error: outcome.good ? null : outcome.error,
  };
  next.history = [entry, ...current.history].slice(0, c.IRR_HISTORY_VERSIONS);
  next.revision = current.revision + 1;
  await store(next, current.revision, lists, lists ? current.current : undefined);
  return view({ ...s, record: next });
}

/** Every peer with stored lists. */
export const irrTrackedNetworks = () => irrRepository.listNets();

export interface IrrRefreshReport {
  networks: number;
  refreshed: number;
  by_status: Record<IrrStatus, number>;
  /** Networks left for the next run because the deadline came first. */
  left: number;
  errors: { participant_id: number; error: string }[];
  duration_ms: number;
}

/**
 * Refreshes the lists of many networks, a few at once, each worker over one kept connection (a new
 * one after a failure). Stops starting refreshes at the deadline; what is left waits for the next
 * run. A network whose refresh throws (gone from PeeringDB, the table busy) is reported, not fatal.
 */
export async function refreshManyIrr(
  nets: readonly number[],
  options: { concurrency?: number; deadline?: number } = {},
): Promise<IrrRefreshReport> {
  const started = Date.now();
  const queue = [...new Set(nets)].sort((a, b) => a - b);
  const report: IrrRefreshReport = {
    networks: queue.length,
    refreshed: 0,
    by_status: { ok: 0, empty: 0, too_large: 0, failed: 0 },
    left: 0,
    errors: [],
    duration_ms: 0,
  };
  let next = 0;
  const worker = async () => {
    let connection: IrrConnection | undefined;
    try {
      while (next < queue.length) {
        if (options.deadline !== undefined && Date.now() >= options.deadline) break;
        const net = queue[next++]!;
        try {
          connection ??= await openIrrConnection().catch(() => undefined);
          const result = await refreshIrr(net, connection ? { connection } : {});
          report.refreshed++;
          if (result.status !== 'not_refreshed') report.by_status[result.status]++;
          if (result.status === 'failed') {
            connection?.close();
            connection = undefined;
          }
        } catch (err) {
          report.errors.push({ participant_id: net, error: (err as Error).message });
        }
      }
    } finally {
      connection?.close();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
  report.left = queue.length - next;
  report.duration_ms = Date.now() - started;
  return report;
}
