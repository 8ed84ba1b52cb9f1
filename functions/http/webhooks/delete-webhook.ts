import { deleteWebhook, deleteWebhookRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteWebhookRoute, async ({ params, audit }) => {
  audit(`webhooks/${params.id}`);
  await deleteWebhook(params.id);
  return null;
});
