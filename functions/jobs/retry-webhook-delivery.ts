import { attemptDelivery, type DeliveryRef } from '../../shared/webhooks';
import { inLogScope } from '../../shared/platform/logger';

/**
 * One more attempt of a webhook delivery, called by the retry state machine after its wait: the
 * machine waits `wait_seconds` and calls again until `done`, so no Lambda sleeps between attempts.
 */
export async function handler(event: { delivery: DeliveryRef }) {
  const outcome = await inLogScope(
    { operation: 'webhook retry', webhook_id: event.delivery.webhook_id, event_id: event.delivery.event_id },
    () => attemptDelivery(event.delivery),
  );
  return { delivery: event.delivery, done: outcome.done, wait_seconds: Math.max(1, outcome.wait_seconds) };
}
