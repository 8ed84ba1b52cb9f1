import { meRoute } from '../../../shared/api/routes/users';
import { getUser, toPublicUser } from '../../../shared/domain/users/users';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(meRoute, async ({ caller }) =>
  toPublicUser(await getUser(caller.userId)),
);
