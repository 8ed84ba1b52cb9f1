import { updateWebhook, updateWebhookRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(updateWebhookRoute, async ({ params, body, audit }) => {
  const changed = Object.keys(body).filter((k) => k !== 'version');
  audit(`webhooks/${params.id}`, `changed: ${changed.join(', ')}`);
  return updateWebhook(params.id, body);
});
