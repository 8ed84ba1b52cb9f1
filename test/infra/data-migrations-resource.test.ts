import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/custom-resources/data-migrations';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { MIGRATIONS } from '../../shared/app/migrations';
import { peerStatePartition, peerStateSortKey } from '../../shared/peers/peer-state-store';
import { call, userWithRole } from '../support/api';
import { syncObjects } from '../support/peeringdb';

/** The deploy's custom resource runs the pending migrations against this file's DynamoDB Local table. */
function event(requestType: 'Create' | 'Update' | 'Delete') {
  const properties = { ServiceToken: 'token', Migrations: MIGRATIONS.map((m) => m.name).join(',') };
  return {
    RequestType: requestType,
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'DataMigrations',
    ResourceType: 'Custom::DataMigrations',
    PhysicalResourceId: 'stored-data-migrations',
    ResourceProperties: properties,
    OldResourceProperties: properties,
  } as CloudFormationCustomResourceEvent;
}

describe('the stored-data migrations custom resource', () => {
  it('brings data an earlier version stored up to date during the deploy, and leaves it on delete', async () => {
    // An earlier version's table: PeeringDB data, and a peer state from before the member-order
    // listing (no gsi3 attributes), with no migration recorded yet.
    await syncObjects({
      ix: [{ id: 1, name: 'Deploy IX' }],
      ixlan: [{ id: 1, ix_id: 1 }],
      net: [{ id: 7, asn: 64707, name: 'Seven Net' }],
      netixlan: [{ id: 70, net_id: 7, ix_id: 1, asn: 64707, ipaddr4: '192.0.2.7' }],
    });
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          pk: peerStatePartition(1),
          sk: peerStateSortKey(7),
          entity: 'peer-state',
          public_id: 1,
          participant_id: 7,
          request_status: 'sent',
          request_status_time: '2026-01-01T00:00:00.000Z',
        },
      }),
    );
    // The sync above already ran the migrations (on no such state): forget they were done.
    for (const m of MIGRATIONS) {
      await ddb().send(
        new DeleteCommand({ TableName: tableName(), Key: { pk: `MIGRATION#${m.name}`, sk: 'MIGRATION' } }),
      );
    }
    const viewer = (await userWithRole('viewer')).token;
    const status = async () =>
      (await call('GET', '/exchanges/1/peers', { token: viewer })).json.data[0].request_status;
    expect(await status()).toBe('none');

    expect(await handler(event('Create'))).toEqual({ PhysicalResourceId: 'stored-data-migrations' });
    expect(await status()).toBe('sent');
    expect(await handler(event('Update'))).toEqual({ PhysicalResourceId: 'stored-data-migrations' });
    expect(await handler(event('Delete'))).toEqual({ PhysicalResourceId: 'stored-data-migrations' });
    expect(await status()).toBe('sent');
  });
});
