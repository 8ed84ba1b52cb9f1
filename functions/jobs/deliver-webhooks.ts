import type { EventBridgeEvent } from 'aws-lambda';
import { retryWithStateMachine } from '../../shared/app/webhook-retries';
import { deliverEvents, type PostedEvent, PostedEventSchema } from '../../shared/webhooks';
import { inLogScope, logger } from '../../shared/platform/logger';

retryWithStateMachine();

/**
 * The target of the event bus's rule: one peerflow event, delivered to every webhook subscribed to
 * it (first attempts here; retries go to the retry state machine). A malformed event is logged and
 * dropped; a failure to read the table throws, and Lambda's own retries take it again.
 */
export async function handler(event: EventBridgeEvent<string, PostedEvent>): Promise<void> {
  const parsed = PostedEventSchema.safeParse(event.detail);
  if (!parsed.success) {
    logger.error('event dropped: not a peerflow event', { detail_type: event['detail-type'] });
    return;
  }
  await inLogScope({ operation: 'webhook delivery', event_id: parsed.data.id }, () =>
    deliverEvents([parsed.data]),
  );
}
