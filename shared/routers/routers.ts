import { ConflictError, NotFoundError } from '../platform/http/errors';
import {
  HostnameTakenError,
  RouterConflictError,
  routersRepository,
  type StoredRouter,
} from './routers-store';
import { sessionsRepository } from '../sessions/sessions-store';
import type { Platform } from '../config-render/platforms';
import { passwordsRefusedBy } from '../sessions/password-limits';

export type RouterInput = {
  hostname: string;
  platform: Platform;
  asn: number;
  router_id: string;
  mgmt_address?: string | null | undefined;
};

/** The seed's "resources": routers that carry BGP sessions. Host names are unique, case-insensitively. */
export async function createRouter(input: RouterInput): Promise<StoredRouter> {
  const now = new Date().toISOString();
  const router: StoredRouter = {
    id: crypto.randomUUID(),
    hostname: input.hostname.toLowerCase(),
    platform: input.platform,
    asn: input.asn,
    router_id: input.router_id,
    mgmt_address: input.mgmt_address ?? null,
    created: now,
    modified: now,
    version: 1,
    session_count: 0,
  };
  try {
    await routersRepository.create(router);
  } catch (err) {
    if (err instanceof HostnameTakenError)
      throw new ConflictError(`A router named ${router.hostname} exists`);
    throw err;
  }
  return router;
}

export async function getRouter(id: string): Promise<StoredRouter> {
  const router = await routersRepository.get(id, true);
  if (!router) throw new NotFoundError(`No router ${id}`);
  return router;
}

export async function updateRouter(
  id: string,
  changes: Partial<RouterInput>,
  expectedVersion: number | undefined,
): Promise<StoredRouter> {
  const current = await getRouter(id);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw staleRouter(current);
  }
  if (changes.platform !== undefined && changes.platform !== current.platform) {
    await checkPlatformTakesPasswords(current, changes.platform);
  }
  const next: StoredRouter = {
    ...current,
    ...(changes.hostname !== undefined ? { hostname: changes.hostname.toLowerCase() } : {}),
    ...(changes.platform !== undefined ? { platform: changes.platform } : {}),
    ...(changes.asn !== undefined ? { asn: changes.asn } : {}),
    ...(changes.router_id !== undefined ? { router_id: changes.router_id } : {}),
    ...(changes.mgmt_address !== undefined ? { mgmt_address: changes.mgmt_address } : {}),
    version: current.version + 1,
    modified: new Date().toISOString(),
  };
  try {
    await routersRepository.update(current, next);
  } catch (err) {
    if (err instanceof HostnameTakenError) throw new ConflictError(`A router named ${next.hostname} exists`);
    if (err instanceof RouterConflictError) throw staleRouter(current);
    throw err;
  }
  if (next.hostname !== current.hostname) await sessionsRepository.renameRouter(next.id, next.hostname);
  return next;
}

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

function staleRouter(current: StoredRouter): ConflictError {
  return new ConflictError(`Router ${current.id} changed meanwhile; read it again and retry`, [
    { path: 'body.version', message: `the router is at version ${current.version} or later` },
  ]);
}

export async function deleteRouter(id: string): Promise<void> {
  const router = await getRouter(id);
  try {
    await routersRepository.remove(router);
  } catch (err) {
    if (err instanceof RouterConflictError) {
      throw new ConflictError(`Router ${router.hostname} still has sessions; delete or move them first`);
    }
    throw err;
  }
}
