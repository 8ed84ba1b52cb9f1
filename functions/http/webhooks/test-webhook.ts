import { testWebhook, testWebhookRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(testWebhookRoute, async ({ params, caller, audit }) => {
  const delivery = await testWebhook(params.id, caller);
  audit(`webhooks/${params.id}`, `test delivery: ${delivery.status}`);
  return delivery;
});
