import { ConflictError } from '../platform/errors';
import type { Platform } from '../config-render';
import type { RouterDependents, StoredRouter } from '../routers';
import { passwordsRefusedBy } from './password-limits';
import { sessionsRepository } from './sessions-store';

/** A router cannot move to a platform that would refuse the password of one of its sessions. */
async function checkPlatformTakesPasswords(router: StoredRouter, platform: Platform) {
  const sessions = await sessionsRepository.listAll({ resource_id: router.id });
  const refused = await passwordsRefusedBy(platform, sessions);
  if (refused.length === 0) return;
  const ids = refused.map(({ session }) => `${session.id} (${session.peer_ipaddr})`).join(', ');
  const message = `${refused[0]?.reason}; sessions with a longer password: ${ids}`;
  throw new ConflictError(
    `Router ${router.hostname} cannot move to ${platform}: ${message}. Shorten those passwords first`,
    [{ path: 'body.platform', message }],
  );
}

/** The sessions' side of a router change: given to `updateRouter` by its entry file. */
export const sessionsOfRouter: RouterDependents = {
  checkPlatform: checkPlatformTakesPasswords,
  renamed: (routerId, hostname) => sessionsRepository.renameRouter(routerId, hostname),
};
