import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { isConditionFailure } from './items';
import { KEYS } from './keys';

/**
 * Changes to items that an earlier version of peerflow stored differently. Each runs once per table,
 * oldest first, and is recorded as done (`MIGRATION#<name>`); each is idempotent, so two runners at
 * the same moment do no harm. In AWS the deploy runs the pending ones (a custom resource,
 * `infra/constructs/data-migrations.ts`); the PeeringDB sync runs them before every run, and
 * `npm start` before it serves.
 *
 * Adding one: append it to its area's list (the whole list is `MIGRATIONS` in
 * `shared/app/migrations.ts`) with a new name; never rename or reorder the ones there.
 */
export interface Migration {
  name: string;
  /** Returns how many items it changed. */
  run(): Promise<number>;
}

const migrationKey = (name: string) => KEYS.migration.key({ name });

/** Runs those of `migrations` not recorded as done; returns what each pending one changed. */
export async function runMigrations(
  migrations: readonly Migration[],
): Promise<{ name: string; changed: number }[]> {
  const ran: { name: string; changed: number }[] = [];
  for (const migration of migrations) {
    const done = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: migrationKey(migration.name), ConsistentRead: true }),
    );
    if (done.Item) continue;
    const changed = await migration.run();
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...migrationKey(migration.name),
            entity: KEYS.migration.entity,
            changed,
            done: new Date().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // another runner recorded it first: same result
    }
    ran.push({ name: migration.name, changed });
  }
  return ran;
}
