import { createUserRoute } from '../../../shared/users/routes';
import { createUser } from '../../../shared/users/users';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(createUserRoute, async ({ body, audit }) => {
  const user = await createUser(body);
  audit(`users/${user.id}`);
  return user;
});
