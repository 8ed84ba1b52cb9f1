import { createUserRoute } from '../../../shared/api/routes/users';
import { createUser } from '../../../shared/domain/users/users';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(createUserRoute, async ({ body, audit }) => {
  const user = await createUser(body);
  audit(`users/${user.id}`);
  return user;
});
