import { loginRoute } from '../../../shared/api/routes/users';
import { login } from '../../../shared/domain/users/users';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(loginRoute, async ({ body, audit }) => {
  const result = await login(body.email, body.password);
  audit(`users/${result.user.id}`);
  return result;
});
