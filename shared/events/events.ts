import { logger } from '../platform/logger';

/**
 * What peerflow tells the outside world about: a session changing state, a session close to its
 * prefix limit, a router that cannot be polled, a deployment that ended. Areas build these and hand
 * them to `publishEvents`; where they go (EventBridge in AWS, the webhooks in-process locally) is
 * chosen by the app layer through `provideEventPublisher`.
 */
export const EVENT_TYPES = [
  'session.state_changed',
  'session.prefix_limit_near',
  'router.poll_failed',
  'deployment.finished',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface PeerflowEvent {
  readonly type: EventType;
  /** ISO 8601, when what the event tells of was seen. */
  readonly time: string;
  readonly router_id: number | null;
  readonly session_id: number | null;
  /** The event's own fields (JSON-safe), e.g. `{from, to, prfx_received}` for a state change. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Sends events on; resolves once they are accepted (not once every receiver has them). */
export type EventPublisher = (events: readonly PeerflowEvent[]) => Promise<void>;

let publisher: EventPublisher | undefined;

export function provideEventPublisher(p: EventPublisher | undefined): void {
  publisher = p;
}

/**
 * Publishes events through the provided publisher. Publishing never fails the work that raised
 * them: a publisher's error is logged with the events' types, and the caller goes on.
 */
export async function publishEvents(events: readonly PeerflowEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (!publisher) {
    logger.warn('events not published: no publisher in this process', {
      types: events.map((e) => e.type),
    });
    return;
  }
  try {
    await publisher(events);
  } catch (err) {
    logger.error('events not published', {
      types: events.map((e) => e.type),
      error: (err as Error).message,
    });
  }
}
