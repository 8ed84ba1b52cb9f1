import { listNetworkContactsRoute, listNetworkContacts } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listNetworkContactsRoute, async ({ params }) => ({
  data: await listNetworkContacts(params.participant_id),
}));
