import { DELIVERY_PORTS } from '../../shared/app/delivery';
import { type PollJobAnswer, pollAllRouters, pollRouter, providePollPorts } from '../../shared/polling';
import { ConflictError, NotFoundError } from '../../shared/platform/errors';
import { inLogScope } from '../../shared/platform/logger';

providePollPorts(DELIVERY_PORTS);

/**
 * In the delivery VPC. Called by the schedule (no router: every router with a connection) and by
 * `POST /routers/{id}/poll` (one router, synchronously: the answer is the route's).
 */
export async function handler(event: { router_id?: string; trigger?: string } = {}) {
  const routerId = event.router_id;
  if (routerId === undefined) {
    const results = await inLogScope({ operation: 'poll-schedule' }, () => pollAllRouters());
    return {
      routers: results.length,
      failed: results.filter((r) => r.outcome === 'failed').length,
      skipped: results.filter((r) => r.outcome === 'skipped').length,
    };
  }
  try {
    const result = await inLogScope({ operation: 'poll', router_id: routerId }, () =>
      pollRouter(routerId, { trigger: 'api' }),
    );
    return { result } satisfies PollJobAnswer;
  } catch (err) {
    if (err instanceof NotFoundError)
      return { error: { kind: 'not_found', message: err.message } } satisfies PollJobAnswer;
    if (err instanceof ConflictError)
      return { error: { kind: 'conflict', message: err.message } } satisfies PollJobAnswer;
    throw err;
  }
}
