import { listUsersRoute } from '../../../shared/users/routes';
import { toPublicUser } from '../../../shared/users/users';
import { defineAction } from '../../../shared/platform/http/define-action';
import { usersRepository } from '../../../shared/users/users-store';

export const handler = defineAction(listUsersRoute, async ({ query }) => {
  const page = await usersRepository.list(query.limit, query.cursor);
  return { data: page.data.map(toPublicUser), next_cursor: page.next_cursor };
});
