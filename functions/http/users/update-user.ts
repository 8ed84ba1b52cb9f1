import { updateUserRoute } from '../../../shared/api/routes/users';
import { updateUser } from '../../../shared/domain/users/users';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(updateUserRoute, async ({ params, body, audit }) => {
  audit(`users/${params.id}`);
  return updateUser(params.id, body);
});
