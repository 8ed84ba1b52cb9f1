import { loginRoute, login } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(loginRoute, async ({ body, event, audit }) => {
  const result = await login(body.email, body.password, { sourceIp: event.requestContext.http.sourceIp });
  audit(`users/${result.user.id}`);
  return result;
});
