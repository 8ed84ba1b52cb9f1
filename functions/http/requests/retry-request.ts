import { retryRequestRoute } from '../../../shared/api/routes/requests';
import { requestDeps } from '../../../shared/domain/requests/dependencies';
import { retryRequest } from '../../../shared/domain/requests/request-answers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(retryRequestRoute, async ({ params, caller, audit }) => {
  const out = await retryRequest(params.id, caller, requestDeps);
  audit(`requests/${out.id}`, out.status);
  return out;
});
