import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { MIGRATIONS, runPendingMigrations } from '../../shared/app/migrations';
import type { Migration } from '../../shared/platform/storage/migrations';
import { peerStatePartition, peerStateSortKey } from '../../shared/peers/peer-state-store';
import { userWithRole, callRoute } from '../support/api';
import { listPeersRoute } from '../../shared/peers/routes';
import { syncObjects } from '../support/peeringdb';

const OBJECTS = {
  ix: [{ id: 1, name: 'Migration IX' }],
  ixlan: [{ id: 1, ix_id: 1 }],
  net: [
    { id: 1, asn: 64701, name: 'Alpha Net' },
    { id: 2, asn: 64702, name: 'Bravo Net' },
    { id: 3, asn: 64703, name: 'Charlie Net' },
  ],
  netixlan: [
    { id: 11, net_id: 1, ix_id: 1, asn: 64701, ipaddr4: '192.0.2.1' },
    { id: 12, net_id: 2, ix_id: 1, asn: 64702, ipaddr4: '192.0.2.2' },
    { id: 13, net_id: 3, ix_id: 1, asn: 64703, ipaddr4: '192.0.2.3' },
  ],
};

/** A peer state as the version before the member-order listing stored it: no gsi3 attributes. */
async function putOldStyleState(participantId: number, status: string): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: peerStatePartition(1),
        sk: peerStateSortKey(participantId),
        entity: 'peer-state',
        public_id: 1,
        participant_id: participantId,
        request_status: status,
        request_status_time: '2026-01-01T00:00:00.000Z',
        modified: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
}

let viewer: string;
const statuses = async () => {
  const res = await callRoute(listPeersRoute, {
    token: viewer,
    params: { public_id: 1 },
    query: { limit: 10 },
  });
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (res.json.data as { name: string; request_status: string }[]).map((p) => [p.name, p.request_status]),
  );
};
const peerStateMigration = MIGRATIONS.find((m) => m.name === 'peer-state-member-order')!;

beforeAll(async () => {
  await syncObjects(OBJECTS);
  viewer = (await userWithRole('viewer')).token;
});

describe('stored-data migrations', () => {
  it('gives peer states stored before the member-order listing their place, so pages show them', async () => {
    await putOldStyleState(2, 'sent');
    // Without its place in member order a page of peers cannot see it: the reason for the migration.
    expect((await statuses())['Bravo Net']).toBe('none');

    expect(await peerStateMigration.run()).toBe(1);
    expect(await statuses()).toEqual({ 'Alpha Net': 'none', 'Bravo Net': 'sent', 'Charlie Net': 'none' });
    // Done once: a second run finds nothing left to change.
    expect(await peerStateMigration.run()).toBe(0);
  });

  it('runs a pending migration once and records it', async () => {
    let runs = 0;
    const migration: Migration = {
      name: `test-once-${crypto.randomUUID()}`,
      run: async () => {
        runs += 1;
        return 7;
      },
    };
    expect(await runPendingMigrations([migration])).toEqual([{ name: migration.name, changed: 7 }]);
    expect(await runPendingMigrations([migration])).toEqual([]);
    expect(runs).toBe(1);
    const record = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: { pk: `MIGRATION#${migration.name}`, sk: 'MIGRATION' } }),
    );
    expect(record.Item).toMatchObject({ entity: 'migration', changed: 7 });
  });

  it('a failed migration is not recorded and runs again next time', async () => {
    let runs = 0;
    const migration: Migration = {
      name: `test-failing-${crypto.randomUUID()}`,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('table busy');
        return 0;
      },
    };
    await expect(runPendingMigrations([migration])).rejects.toThrow('table busy');
    expect(await runPendingMigrations([migration])).toEqual([{ name: migration.name, changed: 0 }]);
    expect(runs).toBe(2);
  });

  it('the PeeringDB sync runs the pending migrations before it syncs', async () => {
    await putOldStyleState(3, 'accepted');
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: { pk: `MIGRATION#${peerStateMigration.name}`, sk: 'MIGRATION' },
      }),
    );
    expect((await statuses())['Charlie Net']).toBe('none');
    await syncObjects(OBJECTS, { mode: 'incremental' });
    expect((await statuses())['Charlie Net']).toBe('accepted');
  });
});
