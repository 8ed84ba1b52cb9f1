import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { queryAll } from '../platform/storage/query';
import { KEYS } from '../platform/storage/keys';

export const StoredTemplateSchema = z.object({
  name: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.nullable(z.string()),
  modified: z.string(),
  modified_by: z.string(),
});
export type StoredTemplate = z.infer<typeof StoredTemplateSchema>;

const ALL = KEYS.template.keys.gsi1.pk.build({});
const key = (name: string) => KEYS.template.key({ name });

export const templatesRepository = {
  async get(name: string): Promise<StoredTemplate | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: key(name) }));
    return out.Item ? parseItem(StoredTemplateSchema, 'template', withoutKeys(out.Item)) : undefined;
  },

  async put(template: StoredTemplate): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...key(template.name),
          ...KEYS.template.index('gsi1', { name: template.name }),
          entity: KEYS.template.entity,
          ...template,
        },
      }),
    );
  },

  /** Deletes the custom template; false when there was none. */
  async remove(name: string): Promise<boolean> {
    try {
      await ddb().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: key(name),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  /** Custom templates are few (a handful per deployment): the list reads them all. */
  async list(): Promise<StoredTemplate[]> {
    const items = await queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ALL },
    });
    return items.map((item) => parseItem(StoredTemplateSchema, 'template', withoutKeys(item)));
  },
};
