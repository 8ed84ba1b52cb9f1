import { NotFoundError, ValidationError } from '../platform/errors';
import { unifiedDiff } from './config-diff';
import { type ConfigRevision, getConfigRevision, listConfigRevisions } from './config-revisions-store';
import { sessionsRepository } from './sessions-store';

/**
 * A session's revisions, newest first. They outlive the session: a deleted session's revisions
 * (its removal the last) stay readable; 404 only for an id with neither a session nor a revision.
 */
export async function sessionConfigRevisions(sessionId: string): Promise<ConfigRevision[]> {
  const revisions = await listConfigRevisions(sessionId);
  if (revisions.length === 0 && !(await sessionsRepository.get(sessionId))) {
    throw new NotFoundError(`No session ${sessionId}`);
  }
  return revisions;
}

/** What changed from revision `fromId` to `toId`, both of router `routerId`'s configs. */
export async function diffConfigRevisions(routerId: string, fromId: string, toId: string) {
  const [from, to] = await Promise.all([getConfigRevision(fromId), getConfigRevision(toId)]);
  const missing = [from ? null : fromId, to ? null : toId].filter((id) => id !== null);
  if (!from || !to) throw new NotFoundError(`No config revision ${missing.join(' or ')}`);
  const foreign = [from, to].filter((r) => r.router_id !== routerId);
  if (foreign.length > 0) {
    throw new ValidationError(
      `Config revision ${foreign.map((r) => r.id).join(' and ')} is of another router, not ${routerId}`,
      foreign.map((r) => ({
        path: `params.${r === from ? 'a' : 'b'}`,
        message: `revision ${r.id} is of router ${r.router_id}`,
      })),
    );
  }
  const label = (r: ConfigRevision) => `${r.id} (${r.source}, ${r.platform}, ${r.created})`;
  const { text: _from, ...fromSummary } = from;
  const { text: _to, ...toSummary } = to;
  return {
    router_id: routerId,
    from: fromSummary,
    to: toSummary,
    diff: unifiedDiff(from.text, to.text, { from: label(from), to: label(to) }),
  };
}
