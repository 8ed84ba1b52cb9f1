import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { ddb, tableName } from '../storage/client';
import { parseItem, withoutKeys } from '../storage/items';
import type { Page } from '../storage/pagination';
import { queryPage } from '../storage/query';
import { KEYS } from '../storage/keys';

/** The most ids one entry lists (a bulk delete of more names the first ones and counts the rest). */
export const AUDIT_MAX_IDS = 1000;

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
  ids: z.optional(
    z.array(z.string()).check(
      z.maxLength(AUDIT_MAX_IDS),
      z.meta({
        description: 'The ids of the items a bulk change touched: a bulk delete, those it removed',
      }),
    ),
  ),
  ids_omitted: z.optional(
    z.int().check(z.meta({ description: 'How many more ids the change touched than `ids` lists' })),
  ),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const ALL = KEYS.audit.keys.gsi1.pk.build({});
const userPartition = (userId: string) => KEYS.audit.keys.gsi2.pk.build({ user: userId });

function keys(entry: AuditEntry) {
  const values = { entry: entry.id, time: entry.time, user: entry.user_id };
  return {
    ...KEYS.audit.key(values),
    ...KEYS.audit.index('gsi1', values),
    ...KEYS.audit.index('gsi2', values),
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
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys(entry), entity: KEYS.audit.entity, ...entry },
      }),
    );
  },

  async list({ userId, since, until, limit, cursor }) {
    const [index, pkName, skName, pkValue] = userId
      ? (['gsi2', 'gsi2pk', 'gsi2sk', userPartition(userId)] as const)
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
