import { listCommunicationsRoute } from '../../../shared/api/routes/peers';
import { listCommunications } from '../../../shared/domain/peers/peers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(listCommunicationsRoute, async ({ params, query }) =>
  listCommunications(params.public_id, query),
);
