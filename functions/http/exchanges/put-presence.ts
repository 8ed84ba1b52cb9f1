import { putPresenceRoute, setPresence } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putPresenceRoute, async ({ params, body, caller, audit }) => {
  audit(`exchanges/${params.public_id}/presence`);
  return setPresence(params.public_id, body, caller);
});
