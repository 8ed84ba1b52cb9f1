import { listRequestsRoute, listRequests } from '../../../shared/requests';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listRequestsRoute,
  async ({ query }) =>
    listRequests({
      peerParticipantId: query.peer_participant_id,
      publicId: query.public_id,
      status: query.status,
      since: query.since,
      until: query.until,
      limit: query.limit,
      cursor: query.cursor,
    }),
  { cursors: cursorSealer },
);
