import { retryRequestRoute, requestDeps, retryRequest } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';

export const handler = defineAction(
  retryRequestRoute,
  async ({ params, caller, audit }) => {
    const out = await retryRequest(params.id, caller, requestDeps);
    audit(`requests/${out.id}`, out.status);
    return out;
  },
  { runOnce },
);
