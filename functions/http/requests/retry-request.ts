import { retryRequestRoute } from '../../../shared/requests/routes';
import { requestDeps } from '../../../shared/requests/dependencies';
import { retryRequest } from '../../../shared/requests/request-answers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(retryRequestRoute, async ({ params, caller, audit }) => {
  const out = await retryRequest(params.id, caller, requestDeps);
  audit(`requests/${out.id}`, out.status);
  return out;
});
