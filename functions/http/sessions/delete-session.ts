import { deleteSessionRoute, deleteSession } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(deleteSessionRoute, async ({ params, caller, audit }) => {
  audit(`sessions/${params.id}`);
  await deleteSession(params.id, caller);
  return reply(204, null);
});
