import type { Context } from 'aws-lambda';
import { refreshAllIrr } from '../../shared/app/irr-refresh';
import { logger } from '../../shared/platform/logger';

/**
 * The daily refresh of the peers' IRR prefix lists. It stops starting refreshes a minute before the
 * function would be stopped; what it leaves keeps its lists until the next day's run (or a
 * `POST /networks/{participant_id}/irr/refresh`). A failed refresh is recorded on its network and
 * keeps the previous lists; the run fails (for the error alarm) only when every refresh failed.
 */
export async function handler(_event: unknown = {}, context?: Pick<Context, 'getRemainingTimeInMillis'>) {
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - 60_000 : undefined;
  const report = await refreshAllIrr(deadline);
  logger.info('IRR refresh finished', { ...report, errors: report.errors.slice(0, 20) });
  if (report.networks > 0 && report.by_status.failed + report.errors.length >= report.networks) {
    throw new Error(`IRR refresh failed for all ${report.networks} networks`);
  }
  return report;
}
