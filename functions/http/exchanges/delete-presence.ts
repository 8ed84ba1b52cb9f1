import { deletePresenceRoute } from '../../../shared/api/routes/exchanges';
import { clearPresence } from '../../../shared/domain/exchanges/exchanges';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(deletePresenceRoute, async ({ params, audit }) => {
  audit(`exchanges/${params.public_id}/presence`);
  await clearPresence(params.public_id);
  return reply(204, null);
});
