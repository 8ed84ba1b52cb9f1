import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { logger } from '../../shared/platform/logger';
import { runPendingMigrations } from '../../shared/app/migrations';

/**
 * Custom resource (Provider framework): the stored-data migrations a deploy brings, run by the deploy
 * itself, so that no request of the new version reads an item before it is brought up to date. The
 * resource's property lists the migrations' names: a deploy that adds one updates it and runs it.
 * A failed migration fails the deploy (and CloudFormation rolls the functions back).
 */
export const handler = async (
  event: CloudFormationCustomResourceEvent,
): Promise<{ PhysicalResourceId: string }> => {
  // The data stays with the retained table when the resource (or the stack) goes.
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const ran = await runPendingMigrations();
  logger.info('stored-data migrations', { ran });
  return { PhysicalResourceId: 'stored-data-migrations' };
};
