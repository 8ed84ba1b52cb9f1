import type { DeviceOptions, NeighborState } from '../devices';
import { publishEvents } from '../events';
import {
  connectionWithSecret,
  deploymentsRepository,
  type DeliveryPorts,
  maskedVerbatim,
} from '../deployments';
import { ConflictError } from '../platform/errors';
import { logger } from '../platform/logger';
import { peeringDb, type PeeringDbReader } from '../peeringdb';
import { getRouter } from '../routers';
import { savePolledBatch, sessionsRepository, type StoredSession } from '../sessions';
import { type Observation, planPoll, sameUnmanaged, type SessionWrite } from './poll-plan';
import { type HistoryEntry, MAX_UNMANAGED_KEPT, pollRepository } from './poll-store';

/**
 * One poll of one router: read every BGP neighbor on the device, match them with the router's
 * sessions, write what changed, and tell the world. It holds the router's poll lease while it runs
 * (two polls of a router never interleave) and does not run while a deployment holds the router.
 */

let ports: DeliveryPorts | undefined;

/** How polls reach devices (the same drivers and transport as deployments), wired by the app layer. */
export function providePollPorts(p: DeliveryPorts | undefined): void {
  ports = p;
}

/** A poll gives up on the device after this long; the lease outlives it. */
const DEVICE_TIMEOUT_MS = 60_000;
const LEASE_SECONDS = 180;
/**
 * Session updates per batch (DynamoDB's limit) and batches in flight at once; history batches (of
 * DynamoDB's 25) in flight beside them.
 */
const WRITE_BATCH = 25;
const WRITE_CONCURRENCY = 8;
const HISTORY_CONCURRENCY = 4;
const HISTORY_BATCH = 25;

export const POLL_OUTCOMES = ['ok', 'failed', 'skipped'] as const;

export interface PollResult {
  router_id: string;
  hostname: string;
  outcome: (typeof POLL_OUTCOMES)[number];
  /** Why it failed or was skipped; null when it read the router. */
  reason: string | null;
  polled_at: string;
  sessions: number;
  /** Sessions whose polled state, counts or lifecycle changed (and were written). */
  changed: number;
  established: number;
  unmanaged: number;
  /** Failed polls in a row, this one included. */
  error_count: number;
  /** DynamoDB write requests this poll made (the lease and the poll's record included). */
  writes: number;
}

export interface PollOptions {
  /** `api`: a poll an operator asked for; a busy router is a 409. `schedule`: a busy router is skipped. */
  trigger: 'api' | 'schedule';
  reader?: PeeringDbReader;
}

export async function pollRouter(routerId: string, options: PollOptions): Promise<PollResult> {
  const router = await getRouter(routerId);
  const startedAt = new Date();
  const base = {
    router_id: router.id,
    hostname: router.hostname,
    polled_at: startedAt.toISOString(),
    sessions: 0,
    changed: 0,
    established: 0,
    unmanaged: 0,
    error_count: 0,
    writes: 0,
  };
  const busy = (reason: string): PollResult => {
    if (options.trigger === 'api') throw new ConflictError(reason);
    return { ...base, outcome: 'skipped', reason };
  };
  const found = await connectionWithSecret(router.id);
  if (!found) {
    if (options.trigger === 'api') {
      throw new ConflictError(
        `Router ${router.hostname} has no management connection: PUT /routers/${router.id}/connection first`,
      );
    }
    return { ...base, outcome: 'skipped', reason: 'no management connection' };
  }
  const deployment = await deploymentsRepository.holder(router.id);
  if (deployment !== null) {
    return busy(`Deployment ${deployment} is running on ${router.hostname}; it is polled after it`);
  }
  // Read before the router is: a poll writes only if no other poll recorded anything since.
  const seen = await pollRepository.get(router.id);
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (seen?.lease_holder && seen.lease_until >= nowSeconds) {
    return busy(`Router ${router.hostname} is being polled already`);
  }
  const overtaken = () =>
    busy(`Router ${router.hostname} is being polled already (another poll recorded first)`);
  // The sessions as stored and the router as it is, read at once: neither waits for the other.
  const [sessions, observation] = await Promise.all([
    sessionsRepository.listAll({ resource_id: router.id }),
    observe(router.platform, found, router.hostname),
  ]);
  const gone = observation.ok
    ? await goneFromExchanges(sessions, observation.neighbors, options.reader ?? peeringDb)
    : new Set<string>();
  // A deployment that started meanwhile may have changed the router under the poll: its own
  // verification records the states, this poll records nothing of them. Checked last before the
  // writes, so the window left is the writes' own few milliseconds (see the README).
  const during = await deploymentsRepository.holder(router.id);
  if (during !== null) {
    return busy(`Deployment ${during} started on ${router.hostname} during the poll; nothing was recorded`);
  }
  const at = new Date();
  const plan = planPoll(router, sessions, observation, at, gone);
  const kept = plan.unmanaged.slice(0, MAX_UNMANAGED_KEPT);
  const outcome = observation.ok
    ? {
        ok: true as const,
        at: at.toISOString(),
        ...(seen &&
        sameUnmanaged(seen.unmanaged, kept) &&
        (seen.unmanaged_total ?? seen.unmanaged.length) === plan.unmanaged.length
          ? {}
          : { unmanaged: { kept, total: plan.unmanaged.length } }),
      }
    : { ok: false as const, at: at.toISOString(), reason: observation.reason };
  let writes: number;
  let written = new Set<string>();
  let record: Awaited<ReturnType<typeof pollRepository.finish>>;
  if (plan.writes.length === 0) {
    // Nothing changed: the poll's record is its only write, and it needs no lease around it.
    writes = 1;
    record = await pollRepository.finish(router.id, { seen }, outcome);
    if (!record) return overtaken();
  } else {
    const holder = crypto.randomUUID();
    if (!(await pollRepository.lease(router.id, seen, holder, nowSeconds + LEASE_SECONDS)))
      return overtaken();
    writes = 1;
    try {
      const done = await writeAll(plan.writes, plan.history);
      written = done.written;
      writes += done.requests;
      record = await pollRepository.finish(router.id, { holder }, outcome);
      writes += 1;
    } catch (err) {
      await pollRepository.release(router.id, holder).catch(() => undefined);
      throw err;
    }
  }
  const errorCount = record?.error_count ?? 0;
  const events = plan.events.filter((e) => written.has(String(e.detail.session)));
  if (!observation.ok) {
    events.push({
      type: 'router.poll_failed',
      time: at.toISOString(),
      router_id: router.number,
      session_id: null,
      detail: {
        router: router.id,
        hostname: router.hostname,
        reason: observation.reason,
        error_count: errorCount,
      },
    });
  }
  await publishEvents(events);
  const after = new Map(plan.writes.map((w) => [w.session.id, w.polled.bgp_state]));
  return {
    ...base,
    polled_at: at.toISOString(),
    outcome: observation.ok ? 'ok' : 'failed',
    reason: observation.ok ? null : observation.reason,
    sessions: sessions.length,
    changed: written.size,
    established: sessions.filter((s) => (after.has(s.id) ? after.get(s.id) : s.bgp_state) === 'established')
      .length,
    unmanaged: plan.unmanaged.length,
    error_count: errorCount,
    writes,
  };
}

/** The router's neighbors, or why they could not be read; the connection's secret never in a reason. */
async function observe(
  platform: Parameters<DeliveryPorts['driver']>[0],
  found: NonNullable<Awaited<ReturnType<typeof connectionWithSecret>>>,
  hostname: string,
): Promise<Observation> {
  if (!ports) throw new Error('no device drivers are wired into this process');
  const driver = ports.driver(platform);
  if (!driver) return { ok: false, reason: `peerflow cannot poll ${platform} routers yet` };
  const { connection, secret } = found;
  const options: DeviceOptions = {
    managedPath: connection.options.managed_path,
    mainConfigPath: connection.options.main_config_path,
    basePath: connection.options.base_path,
    controlSocket: connection.options.control_socket,
    sudo: connection.options.sudo,
  };
  // A short secret is not hidden wherever its text appears: that would point it out (a password
  // "22" hidden in "198.51.100.10:22").
  const hide = (text: string) => (maskedVerbatim(secret) ? text.split(secret).join('********') : text);
  let transport: Awaited<ReturnType<DeliveryPorts['open']>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = (async () => {
      transport = await ports!.open(connection, secret);
      return driver.neighbors(transport, options, []);
    })();
    const neighbors = await Promise.race([
      read,
      new Promise<never>((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`no answer within ${DEVICE_TIMEOUT_MS / 1000} s`)),
          DEVICE_TIMEOUT_MS,
        );
      }),
    ]);
    return { ok: true, neighbors };
  } catch (err) {
    const reason = hide((err as Error).message || 'the router could not be read');
    logger.warn('router poll failed', { router: hostname, reason });
    return { ok: false, reason };
  } finally {
    clearTimeout(timer);
    await (transport as { close(): Promise<void> } | undefined)?.close().catch(() => undefined);
  }
}

/**
 * Writes each session's polled item (and its lifecycle when it moves, with its conditions: see
 * `savePolled`), 25 to a batch, a few batches at once; as soon as sessions are written their history
 * entries join the next batch of 25, written beside the session batches still running. A session
 * that moved on is not written and gets no history. The ids of those written, and the requests made.
 */
async function writeAll(
  writes: readonly SessionWrite[],
  history: readonly HistoryEntry[],
): Promise<{ written: Set<string>; requests: number }> {
  const written = new Set<string>();
  let requests = 0;
  const entriesOf = new Map<string, HistoryEntry[]>();
  for (const h of history) {
    const list = entriesOf.get(h.session_id);
    if (list) list.push(h);
    else entriesOf.set(h.session_id, [h]);
  }
  const pending: HistoryEntry[] = [];
  const batches: Promise<void>[] = [];
  const failures: unknown[] = [];
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  const flush = async (entries: HistoryEntry[]) => {
    while (inFlight >= HISTORY_CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
    inFlight += 1;
    requests += 1;
    try {
      await pollRepository.appendHistory(entries);
    } catch (err) {
      // Kept until every write has ended, then thrown: a batch failing alone is not left unheard.
      failures.push(err);
    } finally {
      inFlight -= 1;
      waiting.shift()?.();
    }
  };
  const done = (w: SessionWrite) => {
    written.add(w.session.id);
    pending.push(...(entriesOf.get(w.session.id) ?? []));
    if (pending.length >= HISTORY_BATCH) batches.push(flush(pending.splice(0, HISTORY_BATCH)));
  };
  const chunks: SessionWrite[][] = [];
  for (let i = 0; i < writes.length; i += WRITE_BATCH) chunks.push(writes.slice(i, i + WRITE_BATCH));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const saved = await savePolledBatch(chunk.map((w) => ({ read: w.session, polled: w.polled })));
      requests += saved.requests;
      for (const [i, w] of chunk.entries()) if (saved.written[i]) done(w);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, chunks.length) }, worker));
  while (pending.length > 0) batches.push(flush(pending.splice(0, HISTORY_BATCH)));
  await Promise.all(batches);
  if (failures.length > 0) throw failures[0];
  return { written, requests };
}

/**
 * Of the sessions that are not established, those whose peer IP PeeringDB no longer lists at the
 * session's exchange (one lookup per such session; an established one is never abandoned).
 */
async function goneFromExchanges(
  sessions: readonly StoredSession[],
  neighbors: readonly NeighborState[],
  reader: PeeringDbReader,
): Promise<Set<string>> {
  const up = new Set(neighbors.filter((n) => n.state === 'established').map((n) => n.peerIp));
  const gone = new Set<string>();
  for (const s of sessions) {
    if (s.public_id === null || up.has(s.peer_ipaddr)) continue;
    const presences = await reader.findPresencesByIp(s.peer_ipaddr);
    if (!presences.some((p) => p.ix_id === s.public_id)) gone.add(s.id);
  }
  return gone;
}
