import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '../../config';
import { ConflictError } from '../../http/errors';
import { logger } from '../../logger';
import { folderSource } from '../../peeringdb/folder-source';
import { httpSource } from '../../peeringdb/http-source';
import type { PeeringDbSource } from '../../peeringdb/source';
import { runSync, type SyncMode, type SyncReport } from '../../peeringdb/sync';
import { syncRunsRepository } from '../../storage/sync-runs-repository';

/** What the sync function receives, from its schedules and from `POST /sync/peeringdb`. */
export interface SyncJobEvent {
  mode?: SyncMode;
  runId?: string;
  trigger?: string;
}

let lambda: LambdaClient | undefined;
let background: Promise<SyncReport | undefined> | undefined;

/** The PeeringDB source of this deployment: the API (key from config), or a folder given as a file: URL. */
export function configuredSource(apiKey?: string): PeeringDbSource {
  const { PEERINGDB_URL } = config();
  if (PEERINGDB_URL.startsWith('file:')) return folderSource(new URL(PEERINGDB_URL).pathname);
  return httpSource({ url: PEERINGDB_URL, ...(apiKey ? { apiKey } : {}) });
}

/**
 * Starts a run now. In AWS the sync function is invoked asynchronously (it has the 15 minutes a
 * request does not); locally the run goes on in the background of this process.
 */
export async function startSync(mode: SyncMode, user: { email: string }): Promise<{ id: string }> {
  const holder = await syncRunsRepository.leaseHolder(Math.floor(Date.now() / 1000));
  if (holder) throw new ConflictError(`A sync run (${holder}) is in progress`);
  const id = randomUUID();
  const event: SyncJobEvent = { mode, runId: id, trigger: `api:${user.email}` };
  const { SYNC_FUNCTION_NAME, PEERINGDB_API_KEY } = config();
  if (SYNC_FUNCTION_NAME) {
    lambda ??= new LambdaClient({});
    await lambda.send(
      new InvokeCommand({
        FunctionName: SYNC_FUNCTION_NAME,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    return { id };
  }
  background = runSync({
    source: configuredSource(PEERINGDB_API_KEY),
    mode,
    runId: id,
    trigger: event.trigger,
  }).catch((err) => {
    logger.error('background sync did not run', { error: (err as Error).message });
    return undefined;
  });
  return { id };
}

/** Local runtime and tests: the run started in this process, once it has finished. */
export function backgroundRun(): Promise<SyncReport | undefined> {
  return background ?? Promise.resolve(undefined);
}
