import { ConflictError, NotFoundError } from '../platform/errors';
import { retryWhileRaced } from '../platform/concurrency';
import {
  HostnameTakenError,
  RouterConflictError,
  routersRepository,
  type StoredRouter,
} from './routers-store';
import type { Platform } from '../config-render';

export type RouterInput = {
  hostname: string;
  platform: Platform;
  asn: number;
  router_id: string;
  mgmt_address?: string | null | undefined;
  rtr_servers?: { host: string; port: number }[] | undefined;
};

/** The seed's "resources": routers that carry BGP sessions. Host names are unique, case-insensitively. */
export async function createRouter(input: RouterInput): Promise<StoredRouter> {
  const now = new Date().toISOString();
  const router: StoredRouter = {
    id: crypto.randomUUID(),
    number: await routersRepository.nextNumber(),
    hostname: input.hostname.toLowerCase(),
    platform: input.platform,
    asn: input.asn,
    router_id: input.router_id,
    mgmt_address: input.mgmt_address ?? null,
    rtr_servers: input.rtr_servers ?? [],
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

/**
 * What a change of a router means for the sessions on it. The sessions area provides it (routers
 * sit below sessions: a session reads its router, never the other way round).
 */
export interface RouterDependents {
  /** Refuses a platform that would not take the password of one of the router's sessions. */
  checkPlatform(router: StoredRouter, platform: Platform): Promise<void>;
  /** Records the router's new host name on its sessions. */
  renamed(routerId: string, hostname: string): Promise<void>;
}

/**
 * Changes a router. With the version the caller read, a router changed since is a 409; without one
 * the change applies over whatever is stored, read again as often as other writers come first.
 */
export async function updateRouter(
  id: string,
  changes: Partial<RouterInput>,
  expectedVersion: number | undefined,
  dependents: RouterDependents,
): Promise<StoredRouter> {
  if (expectedVersion !== undefined) return changeRouter(id, changes, expectedVersion, dependents);
  try {
    return await retryWhileRaced(
      () => changeRouter(id, changes, undefined, dependents),
      (err) => err instanceof RouterConflictError,
    );
  } catch (err) {
    if (err instanceof RouterConflictError) throw staleRouter(await getRouter(id));
    throw err;
  }
}

async function changeRouter(
  id: string,
  changes: Partial<RouterInput>,
  expectedVersion: number | undefined,
  dependents: RouterDependents,
): Promise<StoredRouter> {
  const current = await getRouter(id);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw staleRouter(current);
  }
  if (changes.platform !== undefined && changes.platform !== current.platform) {
    await dependents.checkPlatform(current, changes.platform);
  }
  const next: StoredRouter = {
    ...current,
    ...(changes.hostname !== undefined ? { hostname: changes.hostname.toLowerCase() } : {}),
    ...(changes.platform !== undefined ? { platform: changes.platform } : {}),
    ...(changes.asn !== undefined ? { asn: changes.asn } : {}),
    ...(changes.router_id !== undefined ? { router_id: changes.router_id } : {}),
    ...(changes.mgmt_address !== undefined ? { mgmt_address: changes.mgmt_address } : {}),
    ...(changes.rtr_servers !== undefined ? { rtr_servers: changes.rtr_servers } : {}),
    version: current.version + 1,
    modified: new Date().toISOString(),
  };
  try {
    await routersRepository.update(current, next);
  } catch (err) {
    if (err instanceof HostnameTakenError) throw new ConflictError(`A router named ${next.hostname} exists`);
    // Without a version the caller retries over the router as it is now.
    if (err instanceof RouterConflictError && expectedVersion !== undefined) throw staleRouter(current);
    throw err;
  }
  if (next.hostname !== current.hostname) await dependents.renamed(next.id, next.hostname);
  return next;
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
