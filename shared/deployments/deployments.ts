import { ConflictError, NotFoundError } from '../platform/errors';
import { getRouter } from '../routers';
import { connectionsRepository } from './connections';
import { deploymentLauncher } from './launcher';
import { deploymentsRepository, FINAL_STATUSES, type StoredDeployment } from './deployments-store';

export interface DeploymentRequest {
  dry_run: boolean;
  confirm_seconds: number;
  verify_seconds: number;
  require_established: boolean;
}

export const DEPLOYMENT_DEFAULTS: DeploymentRequest = {
  dry_run: false,
  confirm_seconds: 120,
  verify_seconds: 60,
  require_established: false,
};

/** Seconds a lease outlives the deployment's own timers: what the steps around them may take. */
const LEASE_MARGIN_SECONDS = 300;

export type PublicDeployment = Omit<StoredDeployment, 'custom_config' | 'settled_since' | 'ending'> & {
  custom: boolean;
};

export const toPublicDeployment = ({
  custom_config,
  settled_since: _settled,
  ending: _ending,
  ...rest
}: StoredDeployment): PublicDeployment => ({ ...rest, custom: custom_config !== null });

/**
 * Starts a deployment of a router's config: 409 while another one holds the router, or when the
 * router has no management connection. The workflow runs elsewhere; this answers the record.
 */
export async function startDeployment(
  routerId: string,
  request: DeploymentRequest,
  actor: { email: string },
  origin: {
    trigger: string;
    session_ids?: string[];
    remove_session_ids?: string[];
    custom_config?: string | null;
  } = { trigger: 'api' },
): Promise<PublicDeployment> {
  const [router, connection] = await Promise.all([getRouter(routerId), connectionsRepository.get(routerId)]);
  if (!connection) {
    throw new ConflictError(
      `Router ${router.hostname} has no management connection: PUT /routers/${routerId}/connection first`,
    );
  }
  const launch = deploymentLauncher();
  const id = crypto.randomUUID();
  const expires =
    Math.floor(Date.now() / 1000) + request.confirm_seconds + request.verify_seconds + LEASE_MARGIN_SECONDS;
  const holder = await deploymentsRepository.lease(routerId, id, expires);
  if (holder !== null) {
    throw new ConflictError(`Deployment ${holder} is running on ${router.hostname}; wait for it to end`);
  }
  const now = new Date().toISOString();
  const d: StoredDeployment = {
    id,
    router_id: routerId,
    hostname: router.hostname,
    status: 'pending',
    ...request,
    trigger: origin.trigger,
    session_ids: origin.session_ids ?? [],
    remove_session_ids: origin.remove_session_ids ?? [],
    custom_config: origin.custom_config ?? null,
    requested_by: actor.email,
    created: now,
    modified: now,
    finished: null,
    identity: null,
    config_sha256: null,
    diff: null,
    sessions: [],
    steps: [],
    reason: null,
    verify_until: null,
    settled_since: null,
    ending: null,
    version: 1,
  };
  try {
    await deploymentsRepository.create(d);
    await launch(id);
  } catch (err) {
    await deploymentsRepository.release(routerId, id);
    const stored = await deploymentsRepository.get(id).catch(() => undefined);
    if (stored) {
      await deploymentsRepository
        .save(
          {
            ...stored,
            status: 'failed',
            reason: 'the workflow could not be started',
            finished: now,
            version: stored.version + 1,
          },
          stored.version,
        )
        .catch(() => undefined);
    }
    throw err;
  }
  return toPublicDeployment(d);
}

export async function getDeployment(id: string): Promise<PublicDeployment> {
  const d = await deploymentsRepository.get(id);
  if (!d) throw new NotFoundError(`No deployment ${id}`);
  return toPublicDeployment(d);
}

export async function listDeployments(routerId: string, limit: number, cursor: string | undefined) {
  await getRouter(routerId);
  const page = await deploymentsRepository.listByRouter(routerId, limit, cursor);
  return { data: page.data.map(toPublicDeployment), next_cursor: page.next_cursor };
}

/** The deployment once it ended, or as it is after `seconds`. */
export async function awaitDeployment(id: string, seconds: number): Promise<PublicDeployment> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const d = await getDeployment(id);
    if (FINAL_STATUSES.includes(d.status) || Date.now() >= until) return d;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}
