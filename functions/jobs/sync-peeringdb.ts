import type { Context } from 'aws-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { config } from '../../shared/platform/config';
import { configuredSource, type SyncJobEvent, SyncBusyError } from '../../shared/peeringdb';
import { buildPeerRowsAfter, syncPeeringDb } from '../../shared/app/peeringdb-sync';
import { logger } from '../../shared/platform/logger';

let apiKey: Promise<string | undefined> | undefined;

/** The optional PeeringDB API key: a secret in AWS (read once per container), the value itself locally. */
function peeringDbApiKey(): Promise<string | undefined> {
  apiKey ??= (async () => {
    const { PEERINGDB_API_KEY_SECRET_ARN, PEERINGDB_API_KEY } = config();
    if (!PEERINGDB_API_KEY_SECRET_ARN) return PEERINGDB_API_KEY;
    const out = await new SecretsManagerClient({}).send(
      new GetSecretValueCommand({ SecretId: PEERINGDB_API_KEY_SECRET_ARN }),
    );
    return out.SecretString?.trim() || undefined;
  })();
  return apiKey;
}

/**
 * The scheduled sync (hourly incremental, daily full) and the runs `POST /sync/peeringdb` starts.
 * A failed run throws after its report is stored, so the function's error alarm and its
 * dead-letter queue see it; a run refused because another holds the lease is not a failure.
 */
export async function handler(event: SyncJobEvent = {}, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  // The build of the peer rows stops a minute before the function would be stopped; the next run
  // (at most an hour later) builds what it left.
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - 60_000 : undefined;
  if (event.task === 'peer-rows') {
    const built = await buildPeerRowsAfter(undefined, deadline);
    return { id: null, status: 'peer-rows', built };
  }
  const source = configuredSource(await peeringDbApiKey());
  try {
    const report = await syncPeeringDb({
      source,
      mode: event.mode ?? 'auto',
      trigger: event.trigger ?? 'schedule',
      ...(event.runId ? { runId: event.runId } : {}),
    });
    logger.info('PeeringDB sync finished', {
      id: report.id,
      status: report.status,
      mode: report.mode,
      writes: report.writes,
      duration_ms: report.duration_ms,
    });
    await buildPeerRowsAfter(report, deadline);
    if (report.status === 'failed') throw new Error(`PeeringDB sync ${report.id} failed: ${report.error}`);
    return { id: report.id, status: report.status };
  } catch (err) {
    if (err instanceof SyncBusyError) {
      logger.info('PeeringDB sync skipped: another run holds the lease', { holder: err.holder });
      return { id: null, status: 'skipped' };
    }
    throw err;
  }
}
