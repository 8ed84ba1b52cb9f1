import { listUsersRoute } from '../../../shared/api/routes/users';
import { toPublicUser } from '../../../shared/domain/users/users';
import { defineAction } from '../../../shared/http/define-action';
import { usersRepository } from '../../../shared/storage/users-repository';

export const handler = defineAction(listUsersRoute, async ({ query }) => {
  const page = await usersRepository.list(query.limit, query.cursor);
  return { data: page.data.map(toPublicUser), next_cursor: page.next_cursor };
});
