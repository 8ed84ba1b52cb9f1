import { startSyncRoute } from '../../../shared/api/routes/sync';
import { startSync } from '../../../shared/domain/sync/start-sync';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(startSyncRoute, async ({ body, caller, audit }) => {
  const { id } = await startSync(body.mode, caller);
  audit(`sync/runs/${id}`, 'started');
  return { id, mode: body.mode, status: 'started' as const };
});
