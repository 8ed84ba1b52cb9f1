import { deleteUserRoute } from '../../../shared/api/routes/users';
import { deleteUser } from '../../../shared/domain/users/users';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(deleteUserRoute, async ({ params, caller, audit }) => {
  audit(`users/${params.id}`);
  await deleteUser(params.id, caller.userId);
  return reply(204, null);
});
