import { ConflictError, ValidationError } from '../platform/errors';
import { getRouter } from '../routers';
import {
  type Actor,
  type ConfigDelivery,
  configureSession,
  getStoredSession,
  type SessionFilter,
  sessionsRepository,
  type StoredSession,
  toPublicSession,
} from '../sessions';
import { connectionsRepository } from './connections';
import { customConfigProblem } from './custom-config';
import { awaitDeployment, DEPLOYMENT_DEFAULTS, type PublicDeployment, startDeployment } from './deployments';

/** How long a session's configure or delete waits for its deployment before answering it running. */
export const SESSION_WAIT_SECONDS = 25;

/** The revision is kept and logged; the state is the deployment's to set once a router took it. */
const handedToDeployment: ConfigDelivery = {
  method: 'deployment',
  async deliver() {
    return { delivered: false, note: 'config sent to its router through a deployment' };
  },
};

/**
 * configureSession: with a management connection, a deployment of the session's router (the
 * session is `configured` once it succeeded, `established` when the verification saw it up); without
 * one, the config is rendered and kept, "not delivered", and the session stays as it was.
 */
export async function configureSessionOnRouter(id: string, actor: Actor, custom?: string) {
  const session = await getStoredSession(id);
  if (custom !== undefined) {
    const { platform } = await getRouter(session.resource_id);
    const problem = customConfigProblem(platform, custom);
    if (problem) {
      throw new ValidationError('The one-time config is refused', [
        { path: 'body.config', message: problem },
      ]);
    }
  }
  if (!(await connectionsRepository.get(session.resource_id))) {
    return { ...(await configureSession(id, actor, undefined, custom)), deployment: null };
  }
  const started = await startDeployment(session.resource_id, DEPLOYMENT_DEFAULTS, actor, {
    trigger: `configure session ${session.number ?? session.id}`,
    session_ids: [id],
    custom_config: custom?.replace(/\r\n?/g, '\n') ?? null,
  });
  const kept = await configureSession(id, actor, handedToDeployment, custom);
  const deployment = await awaitDeployment(started.id, SESSION_WAIT_SECONDS);
  return {
    ...kept,
    session: toPublicSession(await getStoredSession(id)),
    delivery: 'deployment',
    delivered: deployment.status === 'succeeded',
    deployment,
  };
}

/**
 * DELETE /sessions/{id}?deploy=true: a deployment takes the session off its router, and the session
 * is deleted once it succeeded; when it does not, the session stays, with the reason in its log.
 */
export async function deleteSessionFromRouter(id: string, actor: Actor): Promise<PublicDeployment> {
  const session = await getStoredSession(id);
  if (!(await connectionsRepository.get(session.resource_id))) {
    throw new ConflictError(
      `The session's router has no management connection: delete without deploy=true, and remove it by hand`,
    );
  }
  const started = await startDeployment(session.resource_id, DEPLOYMENT_DEFAULTS, actor, {
    trigger: `delete session ${session.number ?? session.id}`,
    session_ids: [id],
    remove_session_ids: [id],
  });
  return awaitDeployment(started.id, SESSION_WAIT_SECONDS);
}

/**
 * DELETE /sessions?...&deploy=true: one deployment per router takes its matching sessions off it;
 * each router's sessions are deleted once its deployment succeeded. Every router must have a
 * connection, or nothing starts.
 */
export async function deleteSessionsFromRouters(filter: SessionFilter, actor: Actor) {
  const matches = await sessionsRepository.listAll(filter);
  const byRouter = new Map<string, StoredSession[]>();
  for (const s of matches) byRouter.set(s.resource_id, [...(byRouter.get(s.resource_id) ?? []), s]);
  for (const routerId of byRouter.keys()) {
    if (!(await connectionsRepository.get(routerId))) {
      throw new ConflictError(
        `Router ${routerId} has no management connection: delete without deploy=true, and remove its sessions by hand`,
      );
    }
  }
  const started: PublicDeployment[] = [];
  for (const [routerId, sessions] of byRouter) {
    const ids = sessions.map((s) => s.id);
    started.push(
      await startDeployment(routerId, DEPLOYMENT_DEFAULTS, actor, {
        trigger: `delete ${ids.length} session(s)`,
        session_ids: ids,
        remove_session_ids: ids,
      }),
    );
  }
  const deployments = await Promise.all(started.map((d) => awaitDeployment(d.id, SESSION_WAIT_SECONDS)));
  const done = new Set(deployments.filter((d) => d.status === 'succeeded').map((d) => d.router_id));
  const gone = matches.filter((s) => done.has(s.resource_id));
  return {
    deleted: gone.length,
    dry_run: false,
    data: gone.map(toPublicSession),
    removals: [],
    deployments,
  };
}
