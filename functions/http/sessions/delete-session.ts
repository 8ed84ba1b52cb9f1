import { refreshPeersOfSessions } from '../../../shared/peers';
import { deleteSessionRoute, deleteSession } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteSessionRoute, async ({ params, caller, audit }) => {
  audit(`sessions/${params.id}`);
  const result = await deleteSession(params.id, caller);
  await refreshPeersOfSessions([result.session]);
  return result;
});
