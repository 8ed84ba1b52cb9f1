import { updateRequestRoute, answerRequest } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(updateRequestRoute, async ({ params, body, caller, audit }) => {
  audit(`requests/${params.id}`, body.status);
  return answerRequest(params.id, body, caller);
});
