import { listSessionsRoute } from '../../../shared/sessions/routes';
import { toPublicSession } from '../../../shared/sessions/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';
import { sessionsRepository } from '../../../shared/sessions/sessions-store';

export const handler = defineAction(listSessionsRoute, async ({ query }) => {
  const { limit, cursor, ...filter } = query;
  const page = await sessionsRepository.list(filter, limit, cursor);
  return { data: page.data.map(toPublicSession), next_cursor: page.next_cursor };
});
