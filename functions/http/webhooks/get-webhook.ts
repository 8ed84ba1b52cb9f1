import { getWebhook, getWebhookRoute } from '../../../shared/webhooks';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getWebhookRoute, async ({ params }) => getWebhook(params.id));
