import { deleteSessionRoute, deleteSession } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteSessionRoute, async ({ params, caller, audit }) => {
  audit(`sessions/${params.id}`);
  return deleteSession(params.id, caller);
});
