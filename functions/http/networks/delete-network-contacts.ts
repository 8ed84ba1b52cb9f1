import { deleteNetworkContactsRoute, clearNetworkContacts } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(deleteNetworkContactsRoute, async ({ params, audit }) => {
  audit(`networks/${params.participant_id}/contacts`);
  await clearNetworkContacts(params.participant_id);
  return reply(204, null);
});
