import { publishEvents } from '../events';
import { logger } from '../platform/logger';
import { routersRepository } from '../routers';
import { SESSION_OUTCOMES, type StoredDeployment } from './deployments-store';

/**
 * `deployment.finished`, raised once the final status is written: the deployment, how it ended, and
 * how many of its sessions came to each outcome. Its `router_id` is the router's number (the v1
 * id, as in every event); the detail carries the UUID the v2 API takes.
 */
export async function announceDeploymentEnd(d: StoredDeployment): Promise<void> {
  let routerNumber: number | null = null;
  try {
    routerNumber = (await routersRepository.get(d.router_id))?.number ?? null;
  } catch (err) {
    logger.warn('deployment event without its router number', { error: (err as Error).message });
  }
  const outcomes = Object.fromEntries(SESSION_OUTCOMES.map((o) => [o, 0])) as Record<string, number>;
  for (const s of d.sessions) if (s.outcome !== null) outcomes[s.outcome] = (outcomes[s.outcome] ?? 0) + 1;
  await publishEvents([
    {
      type: 'deployment.finished',
      time: d.finished ?? new Date().toISOString(),
      router_id: routerNumber,
      session_id: null,
      detail: {
        deployment_id: d.id,
        router_uuid: d.router_id,
        hostname: d.hostname,
        status: d.status,
        dry_run: d.dry_run,
        reason: d.reason,
        trigger: d.trigger,
        sessions: { total: d.sessions.length, ...outcomes },
      },
    },
  ]);
}
