import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { EVENT_TYPES } from '../events';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';
import { queryAll, queryPage } from '../platform/storage/query';
import type { Page } from '../platform/storage/pagination';
import { TTL_ATTRIBUTE } from '../platform/storage/table';

/** The event a test delivery sends: not one of peerflow's events, so no subscription is needed. */
export const TEST_EVENT_TYPE = 'webhook.test';
export const DELIVERED_TYPES = [...EVENT_TYPES, TEST_EVENT_TYPE] as const;

export const StoredWebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(EVENT_TYPES)),
  description: z.nullable(z.string()),
  enabled: z.boolean(),
  secret_ciphertext: z.string(),
  created: z.string(),
  modified: z.string(),
  created_by: z.string(),
  version: z.int(),
});
export type StoredWebhook = z.infer<typeof StoredWebhookSchema>;

/** An event as it is posted: the body of every attempt. */
export const PostedEventSchema = z.object({
  id: z.string(),
  type: z.enum(DELIVERED_TYPES),
  time: z.string(),
  router_id: z.nullable(z.int()),
  session_id: z.nullable(z.int()),
  detail: z.record(z.string(), z.unknown()),
});
export type PostedEvent = z.infer<typeof PostedEventSchema>;

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;

const AttemptSchema = z.object({
  attempt: z.int(),
  time: z.string(),
  http_status: z.nullable(z.int()),
  error: z.nullable(z.string()),
});

export const StoredDeliverySchema = z.object({
  webhook_id: z.string(),
  event_id: z.string(),
  event_type: z.enum(DELIVERED_TYPES),
  event_time: z.string(),
  event: PostedEventSchema,
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.int(),
  attempt_log: z.array(AttemptSchema),
  http_status: z.nullable(z.int()),
  error: z.nullable(z.string()),
  next_retry: z.nullable(z.string()),
  created: z.string(),
  modified: z.string(),
});
export type StoredDelivery = z.infer<typeof StoredDeliverySchema>;

/** Which delivery: enough to find it again (a retry's whole input). */
export interface DeliveryRef {
  webhook_id: string;
  event_id: string;
  event_time: string;
}

export const refOf = (d: StoredDelivery): DeliveryRef => ({
  webhook_id: d.webhook_id,
  event_id: d.event_id,
  event_time: d.event_time,
});

/** Deliveries are kept this long after their event, then DynamoDB TTL removes them. */
const DELIVERY_DAYS = 30;

const webhookKey = (id: string) => KEYS.webhook.key({ webhook: id });
const deliveryKey = (r: DeliveryRef) =>
  KEYS.webhookDelivery.key({ webhook: r.webhook_id, time: r.event_time, event: r.event_id });
const LISTING = KEYS.webhook.keys.gsi1;

function webhookItem(w: StoredWebhook) {
  return {
    ...webhookKey(w.id),
    ...KEYS.webhook.index('gsi1', { created: w.created, webhook: w.id }),
    entity: KEYS.webhook.entity,
    ...w,
  };
}

function deliveryItem(d: StoredDelivery) {
  return {
    ...deliveryKey(refOf(d)),
    entity: KEYS.webhookDelivery.entity,
    ...d,
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(d.event_time) / 1000) + DELIVERY_DAYS * 86_400,
  };
}

const parseWebhook = (item: Record<string, unknown>) =>
  parseItem(StoredWebhookSchema, 'webhook', withoutKeys(item));
const parseDelivery = (item: Record<string, unknown>) => {
  const { [TTL_ATTRIBUTE]: _ttl, ...rest } = withoutKeys(item);
  return parseItem(StoredDeliverySchema, 'webhook delivery', rest);
};

export const webhooksRepository = {
  async get(id: string): Promise<StoredWebhook | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: webhookKey(id), ConsistentRead: true }),
    );
    return out.Item ? parseWebhook(out.Item) : undefined;
  },

  async create(w: StoredWebhook): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: webhookItem(w),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  /** Writes `next` if the stored webhook is still at `expected`; false when it is not (or is gone). */
  async save(next: StoredWebhook, expected: number): Promise<boolean> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: webhookItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expected },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  async remove(id: string): Promise<boolean> {
    const out = await ddb().send(
      new DeleteCommand({ TableName: tableName(), Key: webhookKey(id), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  },

  async list(limit: number, cursor?: string): Promise<Page<StoredWebhook>> {
    const partition = LISTING.pk.build({});
    return queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
      },
      { limit, cursor },
      { attribute: 'gsi1pk', value: partition },
      parseWebhook,
    );
  },

  /** Every webhook: what an event is matched against (a handful; an admin registers each). */
  async all(): Promise<StoredWebhook[]> {
    const items = await queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': LISTING.pk.build({}) },
    });
    return items.map(parseWebhook);
  },
};

export const deliveriesRepository = {
  async get(ref: DeliveryRef): Promise<StoredDelivery | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: deliveryKey(ref), ConsistentRead: true }),
    );
    return out.Item ? parseDelivery(out.Item) : undefined;
  },

  /** Stores a new delivery; false when this event's delivery to this webhook exists already. */
  async create(d: StoredDelivery): Promise<boolean> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: deliveryItem(d),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  /**
   * Records an attempt: written only if no other attempt was recorded since `expectedAttempts`
   * (a retry delivered twice runs once). False when another writer came first.
   */
  async record(next: StoredDelivery, expectedAttempts: number): Promise<boolean> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: deliveryItem(next),
          ConditionExpression: 'attempts = :n',
          ExpressionAttributeValues: { ':n': expectedAttempts },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  /** A webhook's deliveries, newest event first. */
  async list(webhookId: string, limit: number, cursor?: string): Promise<Page<StoredDelivery>> {
    const partition = KEYS.webhookDelivery.keys.table.pk.build({ webhook: webhookId });
    return queryPage(
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { limit, cursor },
      { attribute: 'pk', value: partition },
      parseDelivery,
    );
  },
};
