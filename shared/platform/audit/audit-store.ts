import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { ddb, tableName } from '../storage/client';
import { parseItem, withoutKeys } from '../storage/items';
import type { Page } from '../storage/pagination';
import { queryPage } from '../storage/query';

export const AuditEntrySchema = z.object({
  id: z.string(),
  time: z.string(),
  user_id: z.string(),
  user_email: z.string(),
  operation: z.string(),
  method: z.string(),
  path: z.string(),
  target: z.string(),
  result: z.string(),
  status: z.int(),
  correlation_id: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const ALL = 'AUDIT';

function keys(entry: AuditEntry) {
  const sortKey = `${entry.time}#${entry.id}`;
  return {
    pk: `AUDIT#${entry.id}`,
    sk: 'AUDIT',
    gsi1pk: ALL,
    gsi1sk: sortKey,
    gsi2pk: `AUDITUSER#${entry.user_id}`,
    gsi2sk: sortKey,
  };
}

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  list(filter: {
    userId?: string;
    since?: string;
    until?: string;
    limit: number;
    cursor?: string;
  }): Promise<Page<AuditEntry>>;
}

export const auditRepository: AuditRepository = {
  async append(entry) {
    await ddb().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys(entry), entity: 'audit', ...entry } }),
    );
  },

  async list({ userId, since, until, limit, cursor }) {
    const [index, pkName, skName, pkValue] = userId
      ? (['gsi2', 'gsi2pk', 'gsi2sk', `AUDITUSER#${userId}`] as const)
      : (['gsi1', 'gsi1pk', 'gsi1sk', ALL] as const);
    const lower = since ?? '0';
    const upper = `${until ?? '9999'}~`;
    return queryPage(
      {
        IndexName: index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
        ExpressionAttributeValues: { ':pk': pkValue, ':lo': lower, ':hi': upper },
        ScanIndexForward: false,
      },
      { limit, cursor },
      { attribute: pkName, value: pkValue },
      (item) => parseItem(AuditEntrySchema, 'audit entry', withoutKeys(item)),
    );
  },
};
