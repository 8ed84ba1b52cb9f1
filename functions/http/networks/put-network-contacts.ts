import { putNetworkContactsRoute, putNetworkContacts } from '../../../shared/exchanges';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putNetworkContactsRoute, async ({ params, body, caller, audit }) => {
  const data = await putNetworkContacts(params.participant_id, body.contacts, caller);
  const stored = body.contacts.map((c) => c.email);
  audit(
    `networks/${params.participant_id}/contacts`,
    stored.length > 0 ? `stored: ${stored.join(', ')}` : 'stored: none',
  );
  return { data };
});
