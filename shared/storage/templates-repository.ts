import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ddb, tableName } from './client';
import { parseItem, withoutKeys } from './items';

export const StoredTemplateSchema = z.object({
  name: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string().nullable(),
  modified: z.string(),
  modified_by: z.string(),
});
export type StoredTemplate = z.infer<typeof StoredTemplateSchema>;

const ALL = 'TEMPLATES';
const key = (name: string) => ({ pk: `TEMPLATE#${name}`, sk: 'TEMPLATE' });

export const templatesRepository = {
  async get(name: string): Promise<StoredTemplate | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: key(name) }));
    return out.Item ? parseItem(StoredTemplateSchema, 'template', withoutKeys(out.Item)) : undefined;
  },

  async put(template: StoredTemplate): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...key(template.name), gsi1pk: ALL, gsi1sk: template.name, entity: 'template', ...template },
      }),
    );
  },

  /** Custom templates are few (a handful per deployment): the list reads them all. */
  async list(): Promise<StoredTemplate[]> {
    const items: StoredTemplate[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': ALL },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? [])
        items.push(parseItem(StoredTemplateSchema, 'template', withoutKeys(item)));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  },
};
