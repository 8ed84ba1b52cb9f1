import { updateMeRoute, updateOwnAccount } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(updateMeRoute, async ({ body, caller, event, audit }) => {
  audit(`users/${caller.userId}`);
  const { user, changed } = await updateOwnAccount(caller.userId, body, {
    sourceIp: event.requestContext.http.sourceIp,
  });
  audit(`users/${caller.userId}`, changed);
  return user;
});
