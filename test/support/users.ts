import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { KEYS } from '../../shared/platform/storage/keys';

const USER_ENTITIES = [KEYS.user, KEYS.userEmail, KEYS.adminCount, KEYS.revokedToken].map((e) => e.entity);

/**
 * Takes the test file's table back to a deployment without users, admin counter included. The API
 * itself never removes the last enabled admin: only a test may start over like this.
 */
export async function removeAllUsers(): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) {
      if (!USER_ENTITIES.includes(String(item.entity))) continue;
      await ddb().send(new DeleteCommand({ TableName: tableName(), Key: { pk: item.pk, sk: item.sk } }));
    }
    start = out.LastEvaluatedKey;
  } while (start);
}
