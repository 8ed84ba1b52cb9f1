import { logoutRoute, logout } from '../../../shared/users';
import { defineAction } from '../../../shared/platform/http/define-action';
import { UnauthorizedError } from '../../../shared/platform/errors';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(logoutRoute, async ({ caller, audit }) => {
  const { tokenId, tokenExpiresAt } = caller;
  if (!tokenId || !tokenExpiresAt) throw new UnauthorizedError('No token to end');
  await logout({ tokenId, expiresAt: Number(tokenExpiresAt) });
  audit(`users/${caller.userId}`, 'logged out');
  return reply(204, null);
});
