import { meRoute, getUser, toPublicUser } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(meRoute, async ({ caller }) =>
  toPublicUser(await getUser(caller.userId)),
);
