import { QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { parseItem, withoutKeys, type TransactItem } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';

/**
 * Every configuration rendered for delivery, kept per session, newest first. The text is what was
 * handed to the delivery port with secrets replaced by a placeholder, so no revision holds a password.
 */
export const ConfigRevisionSchema = z.object({
  id: z.string(),
  session_id: z.string(),
  router_id: z.string(),
  platform: z.string(),
  /** `rendered` from the session, `custom`: a one-time configuration an operator wrote, `removal`: what removed it from its router. */
  source: z._default(z.enum(['rendered', 'custom', 'removal']), 'rendered'),
  text: z.string(),
  sha256: z.string(),
  created: z.string(),
  created_by: z.string(),
});
export type ConfigRevision = z.infer<typeof ConfigRevisionSchema>;

const revisionPartition = (sessionId: string) =>
  KEYS.configRevision.keys.table.pk.build({ session: sessionId });

/** A Put of one revision, to include in the transaction that moves the session to `configured`. */
export function configRevisionItem(revision: ConfigRevision): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...KEYS.configRevision.key({
          session: revision.session_id,
          created: revision.created,
          revision: revision.id,
        }),
        ...KEYS.configRevision.index('gsi1', { revision: revision.id }),
        entity: KEYS.configRevision.entity,
        ...revision,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function listConfigRevisions(sessionId: string, limit = 20): Promise<ConfigRevision[]> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': revisionPartition(sessionId) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((item) =>
    parseItem(ConfigRevisionSchema, 'config revision', withoutKeys(item)),
  );
}

/** One revision by its id, whatever its session (deleted ones included). */
export async function getConfigRevision(id: string): Promise<ConfigRevision | undefined> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.configRevision.keys.gsi1.pk.build({ revision: id }) },
    }),
  );
  const item = out.Items?.[0];
  return item ? parseItem(ConfigRevisionSchema, 'config revision', withoutKeys(item)) : undefined;
}

/** Revisions stored before they could be found by id get their index attributes. */
export async function indexConfigRevisionsById(): Promise<number> {
  let changed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName(),
        FilterExpression: 'entity = :e AND attribute_not_exists(gsi1pk)',
        ExpressionAttributeValues: { ':e': KEYS.configRevision.entity },
        ProjectionExpression: 'pk, sk, id',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const index = KEYS.configRevision.index('gsi1', { revision: item.id as string });
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':pk': index.gsi1pk, ':sk': index.gsi1sk },
        }),
      );
      changed += 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return changed;
}
