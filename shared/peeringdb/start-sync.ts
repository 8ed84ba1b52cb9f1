import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '../platform/config';
import { ConflictError, ServiceUnavailableError } from '../platform/errors';
import type { SyncMode } from './sync';
import { syncRunsRepository } from './sync-runs-store';

/** What the sync function receives, from its schedules and from `POST /sync/peeringdb`. */
export interface SyncJobEvent {
  /** `peer-rows`: only the build of the peer rows that are not built under the current rules. */
  task?: 'sync' | 'peer-rows';
  mode?: SyncMode;
  runId?: string;
  trigger?: string;
}

/** Starts a run described by the event somewhere else and returns at once. */
export type SyncLauncher = (event: SyncJobEvent & { runId: string }) => Promise<void>;

let lambda: LambdaClient | undefined;
let provided: SyncLauncher | undefined;

/**
 * Where runs go when no sync function is configured: the local runtime and the tests run them in
 * their own process (`shared/app/peeringdb-sync.ts`). The function of the route never carries
 * the sync engine itself.
 */
export function provideSyncLauncher(launcher: SyncLauncher): void {
  provided = launcher;
}

/** In AWS: an asynchronous invocation of the sync function, which has the 15 minutes a request does not. */
const invokeSyncFunction =
  (functionName: string): SyncLauncher =>
  async (event) => {
    lambda ??= new LambdaClient({});
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
  };

/**
 * Starts the build of the peer rows somewhere else and returns at once (after a change of the
 * rules, which reaches every exchange). Without a sync function or a provided launcher nothing
 * starts, and the build after the next scheduled sync does the work.
 */
export async function startPeerRowsBuild(trigger: string): Promise<boolean> {
  const { SYNC_FUNCTION_NAME } = config();
  const launch = SYNC_FUNCTION_NAME ? invokeSyncFunction(SYNC_FUNCTION_NAME) : provided;
  if (!launch) return false;
  await launch({ task: 'peer-rows', runId: randomUUID(), trigger });
  return true;
}

/** Starts a run now, unless one holds the lease (409). */
export async function startSync(mode: SyncMode, user: { email: string }): Promise<{ id: string }> {
  const holder = await syncRunsRepository.leaseHolder(Math.floor(Date.now() / 1000));
  if (holder) throw new ConflictError(`A sync run (${holder}) is in progress`);
  const { SYNC_FUNCTION_NAME } = config();
  const launch = SYNC_FUNCTION_NAME ? invokeSyncFunction(SYNC_FUNCTION_NAME) : provided;
  if (!launch) throw new ServiceUnavailableError('No sync function is configured for this deployment');
  const id = randomUUID();
  await launch({ mode, runId: id, trigger: `api:${user.email}` });
  return { id };
}
