import { deletePresenceRoute, clearPresence } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(deletePresenceRoute, async ({ params, audit }) => {
  audit(`exchanges/${params.public_id}/presence`);
  await clearPresence(params.public_id);
  return reply(204, null);
});
