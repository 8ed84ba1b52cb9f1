import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { type EventPublisher, type PeerflowEvent, provideEventPublisher } from '../events';
import { awsRequestTimeouts } from '../platform/aws-timeouts';
import { chunked } from '../platform/concurrency';
import { config } from '../platform/config';
import { logger } from '../platform/logger';

/** EventBridge takes at most 10 entries per PutEvents call. */
export const PUT_EVENTS_BATCH = 10;
/** And at most 256 KB per entry (and per call): an event over this is logged, not sent. */
const MAX_ENTRY_BYTES = 256 * 1024;
export const EVENT_SOURCE = 'peerflow';

type Send = (entries: PutEventsRequestEntry[]) => Promise<{ ErrorCode?: string; ErrorMessage?: string }[]>;

/**
 * Events on the deployment's EventBridge bus: source `peerflow`, detail-type the event's type, the
 * detail the event as webhooks receive it (with its id). Entries go in batches of 10, each batch
 * kept under the size EventBridge takes; an entry EventBridge refuses is sent once more, then
 * logged with its reason. A call that fails as a whole is logged the same way.
 */
export function eventBridgePublisher(busName: string, send: Send = sdkSend()): EventPublisher {
  return async (events) => {
    const entries: PutEventsRequestEntry[] = [];
    for (const event of events) {
      const entry = toEntry(busName, event);
      const size = Buffer.byteLength(entry.Detail ?? '') + Buffer.byteLength(entry.DetailType ?? '') + 64;
      if (size > MAX_ENTRY_BYTES) {
        logger.error('event not published: too large for EventBridge', { type: event.type, bytes: size });
        continue;
      }
      entries.push(entry);
    }
    for (const batch of chunked(entries, PUT_EVENTS_BATCH)) {
      let pending = batch;
      for (let round = 1; round <= 2 && pending.length > 0; round += 1) {
        let results: { ErrorCode?: string; ErrorMessage?: string }[];
        try {
          results = await send(pending);
        } catch (err) {
          results = pending.map(() => ({ ErrorCode: 'CallFailed', ErrorMessage: (err as Error).message }));
        }
        const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined);
        if (round === 2 && failed.length > 0) {
          failed.forEach((entry) => {
            const r = results[pending.indexOf(entry)];
            logger.error('event not published', {
              type: entry.DetailType,
              error: `${r?.ErrorCode ?? ''}: ${r?.ErrorMessage ?? ''}`,
            });
          });
        }
        pending = failed;
      }
    }
  };
}

function toEntry(busName: string, event: PeerflowEvent): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: event.type,
    Time: new Date(event.time),
    Detail: JSON.stringify({ id: randomUUID(), ...event }),
  };
}

let client: EventBridgeClient | undefined;

function sdkSend(): Send {
  return async (entries) => {
    client ??= new EventBridgeClient({ requestHandler: awsRequestTimeouts() });
    const out = await client.send(new PutEventsCommand({ Entries: entries }));
    return (
      out.Entries ?? entries.map(() => ({ ErrorCode: 'NoAnswer', ErrorMessage: 'no entry in the answer' }))
    );
  };
}

/**
 * In an AWS function that raises events (at module scope): publish them on the bus named by
 * EVENT_BUS_NAME, which the stack sets together with the grant to put events on it. Without it (the
 * local runtime loading the same entry file) the publisher already provided stays: there, events go
 * to the webhooks in-process.
 */
export function publishToEventBridge(): void {
  const bus = config().EVENT_BUS_NAME;
  if (bus) provideEventPublisher(eventBridgePublisher(bus));
}
