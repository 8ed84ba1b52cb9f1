import { QueryCommand } from '@aws-sdk/lib-dynamodb';
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
  /** `rendered` from the session, or `custom`: a one-time configuration an operator wrote. */
  source: z._default(z.enum(['rendered', 'custom']), 'rendered'),
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
