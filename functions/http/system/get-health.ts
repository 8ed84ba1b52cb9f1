import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { healthRoute } from '../../../shared/system';
import { defineAction } from '../../../shared/platform/http/define-action';
import { ServiceUnavailableError } from '../../../shared/platform/errors';
import { ddb, tableName } from '../../../shared/platform/storage/client';

export const handler = defineAction(healthRoute, async () => {
  try {
    // A read of a key that never exists: proves the table answers, costs half a read unit.
    await ddb().send(new GetCommand({ TableName: tableName(), Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
  } catch {
    throw new ServiceUnavailableError('Storage is not reachable');
  }
  return { status: 'ok' as const, time: new Date().toISOString() };
});
