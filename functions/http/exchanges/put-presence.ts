import { putPresenceRoute } from '../../../shared/api/routes/exchanges';
import { setPresence } from '../../../shared/domain/exchanges/exchanges';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(putPresenceRoute, async ({ params, body, caller, audit }) => {
  audit(`exchanges/${params.public_id}/presence`);
  return setPresence(params.public_id, body, caller);
});
