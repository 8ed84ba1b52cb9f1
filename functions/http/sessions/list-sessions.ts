import { listSessionsRoute } from '../../../shared/api/routes/sessions';
import { toPublicSession } from '../../../shared/domain/sessions/sessions';
import { defineAction } from '../../../shared/http/define-action';
import { sessionsRepository } from '../../../shared/storage/sessions-repository';

export const handler = defineAction(listSessionsRoute, async ({ query }) => {
  const { limit, cursor, ...filter } = query;
  const page = await sessionsRepository.list(filter, limit, cursor);
  return { data: page.data.map(toPublicSession), next_cursor: page.next_cursor };
});
