import { updateUserRoute, updateUser } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(updateUserRoute, async ({ params, body, audit }) => {
  audit(`users/${params.id}`);
  return updateUser(params.id, body);
});
