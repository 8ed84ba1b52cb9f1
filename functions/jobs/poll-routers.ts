import { DELIVERY_PORTS } from '../../shared/app/delivery';
import { publishToEventBridge } from '../../shared/app/eventbridge-publisher';
import { recordRouterSessionMetrics } from '../../shared/metrics';
import {
  type PollJobAnswer,
  type PollResult,
  pollAllRouters,
  pollRouter,
  providePollPorts,
} from '../../shared/polling';
import { ConflictError, NotFoundError } from '../../shared/platform/errors';
import { inLogScope } from '../../shared/platform/logger';

providePollPorts(DELIVERY_PORTS);
// State changes, prefix counts near their limit and failed polls are events.
publishToEventBridge();

/** CloudWatch metrics of a poll that ran: its router's sessions established and not. */
function recordMetrics(result: PollResult): void {
  if (result.outcome === 'skipped') return;
  recordRouterSessionMetrics(result.router_id, {
    established: result.established,
    notEstablished: result.sessions - result.established,
  });
}

/**
 * In the delivery VPC. Called by the schedule (no router: every router with a connection) and by
 * `POST /routers/{id}/poll` (one router, synchronously: the answer is the route's).
 */
export async function handler(event: { router_id?: string; trigger?: string } = {}) {
  const routerId = event.router_id;
  if (routerId === undefined) {
    const results = await inLogScope({ operation: 'poll-schedule' }, () => pollAllRouters());
    results.forEach(recordMetrics);
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
    recordMetrics(result);
    return { result } satisfies PollJobAnswer;
  } catch (err) {
    if (err instanceof NotFoundError)
      return { error: { kind: 'not_found', message: err.message } } satisfies PollJobAnswer;
    if (err instanceof ConflictError)
      return { error: { kind: 'conflict', message: err.message } } satisfies PollJobAnswer;
    throw err;
  }
}
