import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure } from '../platform/storage/items';
import { getNetworks, peeringDb, loadStoredIndex } from '../peeringdb';
import { peerStateRepository } from './peer-state-store';
import { KEYS } from '../platform/storage/keys';

/**
 * Changes to items that an earlier version of peerflow stored differently. Each runs once per table,
 * oldest first, and is recorded as done (`MIGRATION#<name>`); each is idempotent, so two runners at
 * the same moment do no harm. In AWS the deploy runs the pending ones (a custom resource,
 * `infra/constructs/data-migrations.ts`); the PeeringDB sync runs them before every run, and
 * `npm start` before it serves.
 *
 * Adding one: append it to MIGRATIONS with a new name; never rename or reorder the ones there.
 */
export interface Migration {
  name: string;
  /** Returns how many items it changed. */
  run(): Promise<number>;
}

export const MIGRATIONS: Migration[] = [
  {
    // Peer states from before they were listed in member order (gsi3): a page of peers reads the
    // state of its own members through that listing, so a state missing from it would look untouched.
    name: 'peer-state-member-order',
    async run() {
      let changed = 0;
      for (const publicId of (await loadStoredIndex('ix')).keys()) {
        const unordered = await peerStateRepository.unordered(publicId);
        if (unordered.length === 0) continue;
        const networks = await getNetworks(unordered);
        for (const participantId of unordered) {
          const member = await peeringDb.getExchangeMember(publicId, participantId);
          const name = member?.network.name ?? networks.get(participantId)?.name;
          if (name === undefined) continue; // a network PeeringDB no longer has: it lists nowhere
          await peerStateRepository.reorder({ publicId, participantId, name });
          changed += 1;
        }
      }
      return changed;
    },
  },
];

const migrationKey = (name: string) => KEYS.migration.key({ name });

/** Runs the migrations not recorded as done; returns what each pending one changed. */
export async function runPendingMigrations(
  migrations: readonly Migration[] = MIGRATIONS,
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
