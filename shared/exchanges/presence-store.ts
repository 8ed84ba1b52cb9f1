import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { parseItem, withoutKeys } from '../platform/storage/items';
import { queryAll } from '../platform/storage/query';
import { KEYS } from '../platform/storage/keys';

/** The operator's own presence at an exchange as set by hand, overriding what PeeringDB says. */
export const PresenceOverrideSchema = z.object({
  public_id: z.int(),
  router_id: z.optional(z.nullable(z.string())),
  ipaddr4: z.optional(z.array(z.string())),
  ipaddr6: z.optional(z.array(z.string())),
  modified: z.string(),
  modified_by: z.string(),
});
export type PresenceOverride = z.infer<typeof PresenceOverrideSchema>;

const PARTITION = KEYS.presenceOverride.keys.table.pk.build({});
const overrideKey = (publicId: number) => KEYS.presenceOverride.key({ ix: publicId });

export const presenceOverridesRepository = {
  async get(publicId: number): Promise<PresenceOverride | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: overrideKey(publicId) }));
    return out.Item
      ? parseItem(PresenceOverrideSchema, 'presence override', withoutKeys(out.Item))
      : undefined;
  },

  /** All of them: one per exchange the operator set by hand, a short list. */
  async list(): Promise<PresenceOverride[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': PARTITION },
    });
    return items.map((i) => parseItem(PresenceOverrideSchema, 'presence override', withoutKeys(i)));
  },

  async put(override: PresenceOverride): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...overrideKey(override.public_id), entity: KEYS.presenceOverride.entity, ...override },
      }),
    );
  },

  /** Returns whether there was one. */
  async remove(publicId: number): Promise<boolean> {
    const out = await ddb().send(
      new DeleteCommand({ TableName: tableName(), Key: overrideKey(publicId), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  },
};
