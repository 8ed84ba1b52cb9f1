import { listSessionsRoute, toPublicSession, sessionsRepository } from '../../../shared/sessions';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';
import { withPollTimes } from '../../../shared/polling';

export const handler = defineAction(
  listSessionsRoute,
  async ({ query }) => {
    const { limit, cursor, ...filter } = query;
    const page = await sessionsRepository.list(filter, limit, cursor);
    return { data: await withPollTimes(page.data.map(toPublicSession)), next_cursor: page.next_cursor };
  },
  { cursors: cursorSealer },
);
