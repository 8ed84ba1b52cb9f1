import { forEachConcurrently } from '../platform/concurrency';
import { routersRepository } from '../routers';
import { configRevisionItem, listConfigRevisions } from './config-revisions-store';
import { sessionRemoval, type SessionRemoval } from './session-config';
import {
  type Actor,
  getStoredSession,
  type PublicSession,
  sessionLog,
  staleSession,
  toPublicSession,
} from './sessions';
import {
  type SessionFilter,
  StaleSessionError,
  type StoredSession,
  sessionsRepository,
} from './sessions-store';

/**
 * The removals of `gone` from their routers, one per router: each from the sessions that stay on
 * that router (read now, `leaving` excluded). A router that is gone has nothing to remove from.
 */
async function removalsOf(gone: StoredSession[], leaving: ReadonlySet<string>): Promise<SessionRemoval[]> {
  const byRouter = new Map<string, StoredSession[]>();
  for (const s of gone) byRouter.set(s.resource_id, [...(byRouter.get(s.resource_id) ?? []), s]);
  const out: SessionRemoval[] = [];
  for (const [routerId, sessions] of byRouter) {
    const router = await routersRepository.get(routerId, true);
    if (!router) continue;
    const remaining = (await sessionsRepository.listAll({ resource_id: routerId })).filter(
      (s) => !leaving.has(s.id),
    );
    out.push(await sessionRemoval(router, sessions, remaining));
  }
  return out.sort((a, b) => a.hostname.localeCompare(b.hostname));
}

/**
 * The last revision of a session that had any: the removal, kept with the session's revisions,
 * which outlive it. Written in the transaction that deletes the session.
 */
async function removalRevision(session: StoredSession, removal: SessionRemoval | undefined, actor: Actor) {
  if (!removal || removal.config === null || removal.sha256 === null) return [];
  if ((await listConfigRevisions(session.id, 1)).length === 0) return [];
  return [
    configRevisionItem({
      id: crypto.randomUUID(),
      session_id: session.id,
      router_id: removal.router_id,
      platform: removal.platform,
      source: 'removal',
      text: removal.config,
      sha256: removal.sha256,
      created: new Date().toISOString(),
      created_by: actor.email,
    }),
  ];
}

/** deleteSession: the session goes; the answer holds what removes it from its router. */
export async function deleteSession(
  id: string,
  actor: Actor,
): Promise<{ session: PublicSession; removal: SessionRemoval | null }> {
  const session = await getStoredSession(id);
  const [removal] = await removalsOf([session], new Set([session.id]));
  try {
    await sessionsRepository.remove(session, [
      ...(await removalRevision(session, removal, actor)),
      ...sessionLog(session, 'deleted', actor),
    ]);
  } catch (err) {
    if (err instanceof StaleSessionError) throw staleSession(session);
    throw err;
  }
  return { session: toPublicSession(session), removal: removal ?? null };
}

/**
 * deleteSession with filters: every match goes, each with its own log entry. A dry run answers
 * what would go. A session that changed between the listing and its deletion is left alone. The
 * answer holds one removal per router, of the sessions that went (a dry run: that would go).
 */
export async function deleteSessions(
  filter: SessionFilter,
  dryRun: boolean,
  actor: Actor,
): Promise<{ deleted: number; dry_run: boolean; data: PublicSession[]; removals: SessionRemoval[] }> {
  const matches = await sessionsRepository.listAll(filter);
  const leaving = new Set(matches.map((s) => s.id));
  const planned = await removalsOf(matches, leaving);
  if (dryRun) return { deleted: 0, dry_run: true, data: matches.map(toPublicSession), removals: planned };
  const gone: StoredSession[] = [];
  await forEachConcurrently(matches, 8, async (s) => {
    const removal = planned.find((r) => r.router_id === s.resource_id);
    try {
      await sessionsRepository.remove(s, [
        ...(await removalRevision(s, removal, actor)),
        ...sessionLog(s, 'deleted', actor),
      ]);
      gone.push(s);
    } catch (err) {
      if (!(err instanceof StaleSessionError)) throw err;
    }
  });
  // Sessions left alone stay on their router: the removals are recomputed without them.
  const removals =
    gone.length === matches.length ? planned : await removalsOf(gone, new Set(gone.map((s) => s.id)));
  return { deleted: gone.length, dry_run: false, data: gone.map(toPublicSession), removals };
}
