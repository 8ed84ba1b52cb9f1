import { pollAllRouters, pollRouter, providePollPorts, providePollRunner } from '../polling';
import { inLogScope, logger } from '../platform/logger';
import { DELIVERY_PORTS } from './delivery';

/**
 * Polls run in this process (the local runtime, the tests): an on-demand poll is the same
 * `pollRouter` the polling function runs in AWS, with the same drivers and transport.
 */
export function pollHere(): void {
  providePollPorts(DELIVERY_PORTS);
  providePollRunner((routerId) =>
    inLogScope({ operation: 'poll', router_id: routerId }, () => pollRouter(routerId, { trigger: 'api' })),
  );
}

/**
 * The local schedule: every router with a connection polled each `seconds`, as the EventBridge
 * rule does in AWS. Returns what stops it. A run still going when the next is due is not doubled.
 */
export function startPollSchedule(seconds: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void inLogScope({ operation: 'poll-schedule' }, () => pollAllRouters())
      .catch((err) => logger.error('scheduled poll failed', { error: (err as Error).message }))
      .finally(() => {
        running = false;
      });
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
