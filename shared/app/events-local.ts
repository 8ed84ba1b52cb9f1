import { provideEventPublisher } from '../events';
import { logger } from '../platform/logger';
import {
  attemptDelivery,
  deliverEvents,
  type DeliveryRef,
  postedEvent,
  provideRetryScheduler,
} from '../webhooks';

/** Deliveries going on in this process: first attempts and the timers of retries. */
const running = new Set<Promise<unknown>>();

function track(work: Promise<unknown>): void {
  const p: Promise<unknown> = work
    .catch((err) => logger.error('webhook delivery did not run', { error: (err as Error).message }))
    .finally(() => running.delete(p));
  running.add(p);
}

/** Waits, tries again, and goes on waiting and trying while the delivery says it is not done. */
function later(ref: DeliveryRef, waitMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    setTimeout(() => {
      attemptDelivery(ref).then((outcome) => {
        if (!outcome.done) track(later(ref, outcome.wait_ms));
        resolve();
      }, reject);
    }, waitMs);
  });
}

/**
 * Events raised in this process (the local runtime, the tests) go straight to the webhooks, by the
 * same delivery code as in AWS; the waits between attempts are timers here. Publishing returns once
 * the events are handed over, as PutEvents does: the deliveries go on behind it.
 */
export function deliverEventsHere(): void {
  provideRetryScheduler(async (ref, waitMs) => track(later(ref, waitMs)));
  provideEventPublisher(async (events) => track(deliverEvents(events.map((e) => postedEvent(e)))));
}

/** Waits until every delivery started here, retries included, has ended. */
export async function webhookDeliveriesSettled(): Promise<void> {
  while (running.size > 0) await Promise.all([...running]);
}
