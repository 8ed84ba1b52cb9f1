import { randomUUID } from 'node:crypto';
import type { PeerflowEvent } from '../events';
import { config } from '../platform/config';
import { forEachConcurrently } from '../platform/concurrency';
import { logger } from '../platform/logger';
import { webhookSecrets } from '../platform/secrets/session-passwords';
import { postJson, type PostResult } from './http-post';
import {
  ATTEMPT_HEADER,
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  SIGNATURE_HEADER,
  signPayload,
} from './signature';
import { checkWebhookUrl, resolveWebhookAddress, WebhookUrlError } from './webhook-url';
import {
  deliveriesRepository,
  type DeliveryRef,
  type PostedEvent,
  refOf,
  type StoredDelivery,
  type StoredWebhook,
  webhooksRepository,
} from './webhooks-store';

/**
 * Delivery of events to webhooks. An event is matched against every enabled webhook subscribed to
 * its type; each match is a delivery, stored first (so an event handed over twice is delivered
 * once), then attempted. An attempt that fails for a reason that may pass (no connection, a
 * timeout, a 5xx, a 429) is tried again after a wait that doubles each time, with jitter, up to
 * `MAX_ATTEMPTS`; any other answer (a 4xx, a redirect, an address refused) ends the delivery.
 * Every attempt is recorded on the delivery. The waits happen outside this code: a `RetryScheduler`
 * (timers in-process, a state machine in AWS) calls `attemptDelivery` again.
 */

export const MAX_ATTEMPTS = 5;
/** Deliveries attempted at once by one process. */
const PARALLEL_ATTEMPTS = 8;

/** Waits `waitMs`, then calls `attemptDelivery(ref)` again until it says it is done. */
export type RetryScheduler = (ref: DeliveryRef, waitMs: number) => Promise<void>;

let scheduler: RetryScheduler | undefined;

export function provideRetryScheduler(s: RetryScheduler | undefined): void {
  scheduler = s;
}

export interface AttemptOutcome {
  done: boolean;
  /** Before the next attempt, when not done. */
  wait_ms: number;
  /** The same, in whole seconds (what a state machine's Wait takes). */
  wait_seconds: number;
  status: StoredDelivery['status'];
}

/**
 * The wait after failed attempt `attempt` (1-based): `base * 2^(attempt-1)`, of which the second
 * half is random ("equal jitter"), so receivers that failed together are not all called again in
 * the same instant, and each wait is still at least as long as the one before.
 */
export function retryDelayMs(attempt: number, baseSeconds: number, random = Math.random): number {
  const full = baseSeconds * 1000 * 2 ** (attempt - 1);
  return Math.round(full / 2 + random() * (full / 2));
}

/** The id a posted event carries (and its header): one per event, the same in every attempt. */
export function postedEvent(event: PeerflowEvent, id: string = randomUUID()): PostedEvent {
  return {
    id,
    type: event.type,
    time: event.time,
    router_id: event.router_id,
    session_id: event.session_id,
    detail: { ...event.detail },
  };
}

function newDelivery(webhook: StoredWebhook, event: PostedEvent): StoredDelivery {
  const now = new Date().toISOString();
  return {
    webhook_id: webhook.id,
    event_id: event.id,
    event_type: event.type,
    event_time: event.time,
    event,
    status: 'pending',
    attempts: 0,
    attempt_log: [],
    http_status: null,
    error: null,
    next_retry: null,
    created: now,
    modified: now,
  };
}

/**
 * Fans events out to the webhooks subscribed to them and makes each delivery's first attempt;
 * those that must be tried again go to the retry scheduler. Never throws for a receiver's fault.
 */
export async function deliverEvents(events: readonly PostedEvent[]): Promise<void> {
  if (events.length === 0) return;
  const webhooks = (await webhooksRepository.all()).filter((w) => w.enabled);
  const work: { webhook: StoredWebhook; delivery: StoredDelivery }[] = [];
  for (const event of events) {
    for (const webhook of webhooks) {
      if (!(webhook.events as string[]).includes(event.type)) continue;
      work.push({ webhook, delivery: newDelivery(webhook, event) });
    }
  }
  await forEachConcurrently(work, PARALLEL_ATTEMPTS, async ({ webhook, delivery }) => {
    // Stored already: this event reached us twice (EventBridge delivers at least once).
    if (!(await deliveriesRepository.create(delivery))) return;
    const outcome = await attempt(webhook, delivery);
    if (!outcome.done) await schedule(refOf(delivery), outcome.wait_ms);
  });
}

async function schedule(ref: DeliveryRef, waitMs: number): Promise<void> {
  if (!scheduler) {
    logger.error('webhook delivery not retried: no retry scheduler in this process', { ...ref });
    return;
  }
  try {
    await scheduler(ref, waitMs);
  } catch (err) {
    logger.error('webhook delivery not retried', { ...ref, error: (err as Error).message });
  }
}

/** The next attempt of a stored delivery (a retry). Safe to call twice: the second finds it moved on. */
export async function attemptDelivery(ref: DeliveryRef): Promise<AttemptOutcome> {
  const delivery = await deliveriesRepository.get(ref);
  if (!delivery) return finalOutcome('failed');
  if (delivery.status === 'delivered' || delivery.status === 'failed') return finalOutcome(delivery.status);
  const webhook = await webhooksRepository.get(ref.webhook_id);
  if (!webhook || !webhook.enabled) {
    const why = webhook ? 'the webhook was disabled' : 'the webhook was deleted';
    await store(delivery, { http_status: null, error: why }, true);
    return finalOutcome('failed');
  }
  return attempt(webhook, delivery);
}

const finalOutcome = (status: StoredDelivery['status']): AttemptOutcome => ({
  done: true,
  wait_ms: 0,
  wait_seconds: 0,
  status,
});

/** Sends one attempt of `delivery` and records it. */
async function attempt(webhook: StoredWebhook, delivery: StoredDelivery): Promise<AttemptOutcome> {
  const number = delivery.attempts + 1;
  const result = await post(webhook, delivery.event, number);
  const ok = result.kind === 'answered' && result.status >= 200 && result.status < 300;
  const retryable =
    !ok &&
    ((result.kind === 'failed' && !result.refused) ||
      (result.kind === 'answered' && (result.status >= 500 || result.status === 429)));
  const final = ok || !retryable || number >= MAX_ATTEMPTS;
  let waitMs = 0;
  if (!final) {
    waitMs = retryDelayMs(number, config().WEBHOOK_RETRY_BASE_SECONDS);
    // A receiver that says when to come back (429, 503) is heeded, within an hour.
    if (result.kind === 'answered' && result.retryAfterSeconds !== null) {
      waitMs = Math.max(waitMs, Math.min(result.retryAfterSeconds, 3600) * 1000);
    }
  }
  const status = await store(
    delivery,
    result.kind === 'answered'
      ? { http_status: result.status, error: ok ? null : describeStatus(result.status) }
      : { http_status: null, error: result.error },
    final,
    ok,
    waitMs,
  );
  if (status === null) return finalOutcome(delivery.status);
  return final
    ? finalOutcome(status)
    : { done: false, wait_ms: waitMs, wait_seconds: Math.ceil(waitMs / 1000), status };
}

function describeStatus(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed`;
  return `HTTP ${status}`;
}

/** Records an attempt; null when another attempt was recorded meanwhile (this one is dropped). */
async function store(
  delivery: StoredDelivery,
  answer: { http_status: number | null; error: string | null },
  final: boolean,
  ok = false,
  waitMs = 0,
): Promise<StoredDelivery['status'] | null> {
  const now = new Date();
  const number = delivery.attempts + 1;
  const status: StoredDelivery['status'] = ok ? 'delivered' : final ? 'failed' : 'retrying';
  const next: StoredDelivery = {
    ...delivery,
    status,
    attempts: number,
    attempt_log: [...delivery.attempt_log, { attempt: number, time: now.toISOString(), ...answer }],
    ...answer,
    next_retry: final ? null : new Date(now.getTime() + waitMs).toISOString(),
    modified: now.toISOString(),
  };
  return (await deliveriesRepository.record(next, delivery.attempts)) ? status : null;
}

type SendResult = PostResult | { kind: 'failed'; error: string; refused: true };

/** One signed POST of `event` to the webhook, its address checked again first. */
async function post(webhook: StoredWebhook, event: PostedEvent, attemptNumber: number) {
  let address: string;
  const checked = (() => {
    try {
      return checkWebhookUrl(webhook.url);
    } catch (err) {
      return err as Error;
    }
  })();
  if (checked instanceof Error) return refusal(checked);
  try {
    address = await resolveWebhookAddress(checked);
  } catch (err) {
    // A name that stopped resolving may come back; one that points inside now is refused for good.
    if (err instanceof WebhookUrlError && /does not resolve/.test(err.message)) {
      return { kind: 'failed' as const, error: err.message, refused: false };
    }
    return refusal(err as Error);
  }
  const secret = await webhookSecrets().decrypt(webhook.secret_ciphertext, webhook.id);
  const body = JSON.stringify(event);
  const timestamp = Math.floor(Date.now() / 1000);
  const result: SendResult = await postJson(
    checked.url,
    address,
    {
      [SIGNATURE_HEADER]: signPayload(secret, timestamp, body),
      [EVENT_ID_HEADER]: event.id,
      [EVENT_TYPE_HEADER]: event.type,
      [ATTEMPT_HEADER]: String(attemptNumber),
    },
    body,
    config().WEBHOOK_TIMEOUT_MS,
  );
  return result.kind === 'failed' ? { ...result, refused: false } : result;
}

const refusal = (err: Error) => ({
  kind: 'failed' as const,
  error: `refused: the URL ${err.message}`,
  refused: true,
});

/** A test delivery: one attempt, recorded like any other, never tried again. */
export async function deliverTestEvent(webhook: StoredWebhook, actor: string): Promise<StoredDelivery> {
  const event: PostedEvent = {
    id: randomUUID(),
    type: 'webhook.test',
    time: new Date().toISOString(),
    router_id: null,
    session_id: null,
    detail: { message: 'a test delivery asked for by an admin', requested_by: actor },
  };
  const delivery = newDelivery(webhook, event);
  await deliveriesRepository.create(delivery);
  const result = await post(webhook, event, 1);
  const ok = result.kind === 'answered' && result.status >= 200 && result.status < 300;
  await store(
    delivery,
    result.kind === 'answered'
      ? { http_status: result.status, error: ok ? null : describeStatus(result.status) }
      : { http_status: null, error: result.error },
    true,
    ok,
  );
  return (await deliveriesRepository.get(refOf(delivery))) ?? delivery;
}
