import { updateUserRoute, updateUser } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(updateUserRoute, async ({ params, body, audit }) => {
  audit(`users/${params.id}`);
  const { user, changed } = await updateUser(params.id, body);
  audit(`users/${params.id}`, changed);
  return user;
});
