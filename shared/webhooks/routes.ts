import * as z from '../platform/zod';
import { route } from '../platform/http/contract';
import { ListQuery, pageOf, singleLine, Timestamp, UuidParam } from '../platform/http/schemas';
import { EVENT_TYPES } from '../events';
import { DELIVERED_TYPES, DELIVERY_STATUSES } from './webhooks-store';
import { checkWebhookUrl, MAX_URL_LENGTH, WebhookUrlError } from './webhook-url';

/**
 * Webhooks (admin only): where peerflow posts its events, signed with each webhook's secret, and
 * what came of each delivery.
 */

const WebhookUrl = z.string().check(
  z.maxLength(MAX_URL_LENGTH),
  z.superRefine((value, ctx) => {
    try {
      checkWebhookUrl(value);
    } catch (err) {
      if (!(err instanceof WebhookUrlError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message, input: value });
    }
  }),
  z.meta({
    description:
      'https, no credentials, a public host (private, loopback, link-local and reserved addresses are refused, also when a name resolves to them), port 443 or from 1024 up',
  }),
);

const EventList = z.array(z.enum(EVENT_TYPES)).check(
  z.minLength(1),
  z.maxLength(EVENT_TYPES.length),
  z.refine((list) => new Set(list).size === list.length, 'must not name an event type twice'),
  z.meta({ description: 'the event types this webhook receives' }),
);

const Secret = z
  .string()
  .check(
    z.minLength(16),
    z.maxLength(256),
    z.regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
    z.meta({ description: 'the HMAC key deliveries are signed with; shown never again once stored' }),
  );

const Description = z.nullable(singleLine(200));

export const WebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    description: z.nullable(z.string()),
    enabled: z.boolean(),
    created: Timestamp,
    modified: Timestamp,
    created_by: z.string(),
    version: z.int(),
  })
  .check(z.meta({ id: 'Webhook', description: 'everything but the secret, which is never shown again' }));

export const CreatedWebhookSchema = z
  .object({
    ...WebhookSchema.shape,
    secret: z
      .string()
      .check(z.meta({ description: 'shown in this answer only: keep it to verify signatures' })),
    secret_generated: z.boolean(),
  })
  .check(z.meta({ id: 'CreatedWebhook' }));

export const DeliverySchema = z
  .object({
    webhook_id: z.string(),
    event_id: z.string(),
    event_type: z.enum(DELIVERED_TYPES),
    event_time: Timestamp,
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.int(),
    http_status: z.nullable(z.int()).check(z.meta({ description: "the last attempt's answer" })),
    error: z.nullable(z.string()).check(z.meta({ description: 'why the last attempt failed' })),
    next_retry: z.nullable(Timestamp),
    attempt_log: z.array(
      z.object({
        attempt: z.int(),
        time: Timestamp,
        http_status: z.nullable(z.int()),
        error: z.nullable(z.string()),
      }),
    ),
    created: Timestamp,
    modified: Timestamp,
  })
  .check(z.meta({ id: 'WebhookDelivery' }));

export const createWebhookRoute = route({
  operationId: 'createWebhook',
  method: 'POST',
  path: '/webhooks',
  role: 'admin',
  tag: 'webhooks',
  summary:
    'Register a webhook: the URL events are posted to, the event types, and a secret (generated when not given, shown once)',
  body: z.strictObject({
    url: WebhookUrl,
    events: EventList,
    secret: z.optional(Secret),
    description: z.optional(Description),
  }),
  response: CreatedWebhookSchema,
  successStatus: 201,
  handler: 'functions/http/webhooks/create-webhook.ts',
  access: { table: 'read-write', secrets: true },
  errors: [422],
});

export const listWebhooksRoute = route({
  operationId: 'listWebhooks',
  method: 'GET',
  path: '/webhooks',
  role: 'admin',
  tag: 'webhooks',
  summary: 'The webhooks, oldest first',
  query: ListQuery,
  response: pageOf(WebhookSchema),
  handler: 'functions/http/webhooks/list-webhooks.ts',
  access: { table: 'read', cursorKey: true },
});

export const getWebhookRoute = route({
  operationId: 'getWebhook',
  method: 'GET',
  path: '/webhooks/{id}',
  role: 'admin',
  tag: 'webhooks',
  summary: 'One webhook, without its secret',
  params: UuidParam,
  response: WebhookSchema,
  handler: 'functions/http/webhooks/get-webhook.ts',
  access: { table: 'read' },
  errors: [404],
});

export const updateWebhookRoute = route({
  operationId: 'updateWebhook',
  method: 'PATCH',
  path: '/webhooks/{id}',
  role: 'admin',
  tag: 'webhooks',
  summary: 'Change a webhook: its URL, events, description, whether it is enabled, or its secret',
  params: UuidParam,
  body: z
    .strictObject({
      url: z.optional(WebhookUrl),
      events: z.optional(EventList),
      description: z.optional(Description),
      enabled: z.optional(z.boolean()),
      secret: z.optional(Secret),
      version: z.optional(z.int()),
    })
    .check(
      z.refine((b) => Object.keys(b).some((k) => k !== 'version'), {
        message: 'give at least one field to change',
      }),
    ),
  response: WebhookSchema,
  handler: 'functions/http/webhooks/update-webhook.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404, 409],
});

export const deleteWebhookRoute = route({
  operationId: 'deleteWebhook',
  method: 'DELETE',
  path: '/webhooks/{id}',
  role: 'admin',
  tag: 'webhooks',
  summary: 'Delete a webhook: nothing more is delivered to it, retries included',
  params: UuidParam,
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/webhooks/delete-webhook.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const listDeliveriesRoute = route({
  operationId: 'listWebhookDeliveries',
  method: 'GET',
  path: '/webhooks/{id}/deliveries',
  role: 'admin',
  tag: 'webhooks',
  summary:
    "The webhook's deliveries, newest event first (kept 30 days): each attempt's HTTP status or error, and the next retry",
  params: UuidParam,
  query: ListQuery,
  response: pageOf(DeliverySchema),
  handler: 'functions/http/webhooks/list-webhook-deliveries.ts',
  access: { table: 'read', cursorKey: true },
  errors: [404],
});

export const testWebhookRoute = route({
  operationId: 'testWebhook',
  method: 'POST',
  path: '/webhooks/{id}/test',
  role: 'admin',
  tag: 'webhooks',
  summary:
    'Post a `webhook.test` event to the webhook now, signed as any delivery: one attempt, answered with its outcome, never retried',
  params: UuidParam,
  response: DeliverySchema,
  handler: 'functions/http/webhooks/test-webhook.ts',
  access: { table: 'read-write', secrets: true },
  errors: [404],
});

export const webhooksRoutes = [
  createWebhookRoute,
  listWebhooksRoute,
  getWebhookRoute,
  updateWebhookRoute,
  deleteWebhookRoute,
  listDeliveriesRoute,
  testWebhookRoute,
];
