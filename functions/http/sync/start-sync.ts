import { startSyncRoute, startSync } from '../../../shared/peeringdb';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(startSyncRoute, async ({ query, caller, audit }) => {
  const { id } = await startSync(query.mode, caller);
  audit(`sync/runs/${id}`, 'started');
  return { id, mode: query.mode, status: 'started' as const };
});
