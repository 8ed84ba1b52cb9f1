import { createWebhook, createWebhookRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(createWebhookRoute, async ({ body, caller, audit }) => {
  const webhook = await createWebhook(body, caller);
  // The audit names the webhook and its URL, never the secret.
  audit(`webhooks/${webhook.id}`, `${webhook.url} (${webhook.events.join(', ')})`);
  return webhook;
});
