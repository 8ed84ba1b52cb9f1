import { deleteSessionRoute } from '../../../shared/api/routes/sessions';
import { deleteSession } from '../../../shared/domain/sessions/sessions';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(deleteSessionRoute, async ({ params, caller, audit }) => {
  audit(`sessions/${params.id}`);
  await deleteSession(params.id, caller);
  return reply(204, null);
});
