import { config } from '../platform/config';
import { logger } from '../platform/logger';
import { folderSource } from './sources/folder-source';
import { httpSource } from './sources/http-source';
import type { PeeringDbSource } from './sources/source';
import { runSync, type SyncReport } from './sync';
import type { SyncLauncher } from './start-sync';

/** The PeeringDB source of this deployment: the API (key from config), or a folder given as a file: URL. */
export function configuredSource(apiKey?: string): PeeringDbSource {
  const { PEERINGDB_URL } = config();
  if (PEERINGDB_URL.startsWith('file:')) return folderSource(new URL(PEERINGDB_URL).pathname);
  return httpSource({ url: PEERINGDB_URL, ...(apiKey ? { apiKey } : {}) });
}

let background: Promise<SyncReport | undefined> | undefined;

/** Runs started by the API go on in the background of this process (the local runtime, the tests). */
export const runInBackground: SyncLauncher = async (event) => {
  background = runSync({
    source: configuredSource(config().PEERINGDB_API_KEY),
    mode: event.mode ?? 'auto',
    runId: event.runId,
    ...(event.trigger ? { trigger: event.trigger } : {}),
  }).catch((err) => {
    logger.error('background sync did not run', { error: (err as Error).message });
    return undefined;
  });
};

/** The run last started in this process, once it has finished. */
export function backgroundRun(): Promise<SyncReport | undefined> {
  return background ?? Promise.resolve(undefined);
}
