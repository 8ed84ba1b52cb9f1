import { updateRequestRoute } from '../../../shared/api/routes/requests';
import { answerRequest } from '../../../shared/domain/requests/request-answers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(updateRequestRoute, async ({ params, body, caller, audit }) => {
  audit(`requests/${params.id}`, body.status);
  return answerRequest(params.id, body, caller);
});
