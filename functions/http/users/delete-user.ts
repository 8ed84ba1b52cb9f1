import { deleteUserRoute, deleteUser } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(deleteUserRoute, async ({ params, caller, audit }) => {
  audit(`users/${params.id}`);
  await deleteUser(params.id, caller.userId);
  return reply(204, null);
});
