import { randomUUID } from 'node:crypto';
import { buildPeerRows, peerMemberMoved, peerRowsOutdated, type PeerRowsReport } from '../peers';
import { runPendingMigrations } from './migrations';
import {
  configuredSource,
  runSync,
  type SyncHooks,
  type SyncLauncher,
  type SyncOptions,
  type SyncReport,
} from '../peeringdb';
import { config } from '../platform/config';
import { currentRequestKeys, inLogScope, logger } from '../platform/logger';

const SYNC_HOOKS: SyncHooks = {
  async beforeRun() {
    await runPendingMigrations();
  },
  memberMoved: peerMemberMoved,
  membersChanged: peerRowsOutdated,
};

/**
 * The build of the peer rows that follows a sync (and a change of the rules): every exchange not
 * built under the current rules, and after a full run every exchange (a rewrite lost to a process
 * that died is made good within a day). It stops at `deadline` (epoch milliseconds); what it
 * leaves, the next run builds.
 */
export async function buildPeerRowsAfter(
  report: SyncReport | undefined,
  deadline?: number,
): Promise<PeerRowsReport> {
  const started = Date.now();
  const all = report?.mode === 'full' && report.status === 'succeeded';
  const built = await buildPeerRows({ all, ...(deadline !== undefined ? { deadline } : {}) });
  logger.info('peer rows built', { ...built, all, duration_ms: Date.now() - started });
  return built;
}

/**
 * A PeeringDB sync with what the areas built on its data need from it: stored-data migrations
 * before the run, and our state of a peer moved when PeeringDB renamed its network. Every run of the
 * product (the scheduled job, the CLI, the demo seed, a run started through the API) goes through
 * here.
 */
export function syncPeeringDb(options: Omit<SyncOptions, 'hooks'>): Promise<SyncReport> {
  const runId = options.runId ?? randomUUID();
  // A run logs under keys of its own, whatever else the process serves meanwhile: its id, and the
  // correlation id of the request that started it, if one did.
  const started = currentRequestKeys().correlation_id;
  return inLogScope(
    { ...(started ? { correlation_id: started } : {}), operation: 'peeringDbSync', sync_run_id: runId },
    () => runSync({ ...options, runId, hooks: SYNC_HOOKS }),
  );
}

/** Runs started in this process that have not finished (two starts may race past the lease check). */
const pending = new Set<Promise<SyncReport | undefined>>();
let last: Promise<SyncReport | undefined> | undefined;

/** Runs started by the API go on in the background of this process (the local runtime, the tests). */
export const runInBackground: SyncLauncher = async (event) => {
  if (event.task === 'peer-rows') {
    const build: Promise<undefined> = buildPeerRowsAfter(undefined)
      .then(() => undefined)
      .catch((err) => {
        logger.error('background build of the peer rows did not finish', { error: (err as Error).message });
        return undefined;
      })
      .finally(() => pending.delete(build));
    pending.add(build);
    return;
  }
  const run: Promise<SyncReport | undefined> = syncPeeringDb({
    source: configuredSource(config().PEERINGDB_API_KEY),
    mode: event.mode ?? 'auto',
    runId: event.runId,
    ...(event.trigger ? { trigger: event.trigger } : {}),
  })
    .then(async (report) => {
      await buildPeerRowsAfter(report);
      return report;
    })
    .catch((err) => {
      logger.error('background sync did not run', { error: (err as Error).message });
      return undefined;
    })
    .finally(() => pending.delete(run));
  pending.add(run);
  last = run;
};

/**
 * The run last started in this process, once it and every other run (and build of the peer rows)
 * started here have finished.
 */
export async function backgroundRun(): Promise<SyncReport | undefined> {
  while (pending.size > 0) await Promise.all([...pending]);
  return last;
}
