import { listUsersRoute, toPublicUser, usersRepository } from '../../../shared/users';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listUsersRoute,
  async ({ query }) => {
    const page = await usersRepository.list(query.limit, query.cursor);
    return { data: page.data.map(toPublicUser), next_cursor: page.next_cursor };
  },
  { cursors: cursorSealer },
);
