import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { memberPartition, memberSortKey, peeringDb } from '../../shared/peeringdb/peeringdb-store';
import { syncRunsRepository } from '../../shared/peeringdb/sync-runs-store';
import { syncObjects } from '../support/peeringdb';

/** The derived member items follow their sources, whatever changed, in as few writes as it takes. */
const nets = [
  { id: 1, asn: 64_501, name: 'Zulu Net' },
  { id: 2, asn: 64_502, name: 'alpha net' },
  { id: 3, asn: 64_503, name: 'Mike Net' },
];
const rows = [
  { id: 10, net_id: 1, ix_id: 7, ixlan_id: 7, asn: 64_501, ipaddr4: '192.0.2.1' },
  { id: 11, net_id: 2, ix_id: 7, ixlan_id: 7, asn: 64_502, ipaddr4: '192.0.2.2', ipaddr6: '2001:db8::2' },
  { id: 12, net_id: 2, ix_id: 7, ixlan_id: 7, asn: 64_502, ipaddr4: '192.0.2.22' },
  { id: 13, net_id: 3, ix_id: 8, ixlan_id: 8, asn: 64_503, ipaddr4: '198.51.100.3' },
];
const pocs = [
  { id: 100, net_id: 2, role: 'NOC' },
  { id: 101, net_id: 2, role: 'Policy' },
];

const membersAt = async (ix: number) =>
  (await peeringDb.allExchangeMembers(ix)).map((m) => ({
    net: m.network.id,
    name: m.network.name,
    rows: m.presences.map((p) => p.id),
    roles: m.contacts.map((c) => c.role),
  }));

beforeEach(async () => {
  await syncObjects({ net: nets, netixlan: rows, poc: pocs });
});

describe('exchange members', () => {
  it('lists a network once per exchange, by name, with all its ports and its contacts policy first', async () => {
    expect(await membersAt(7)).toEqual([
      { net: 2, name: 'alpha net', rows: [11, 12], roles: ['Policy', 'NOC'] },
      { net: 1, name: 'Zulu Net', rows: [10], roles: [] },
    ]);
    const page = await peeringDb.listExchangeMembers(7, { limit: 1 });
    expect(page.members.map((m) => m.network.id)).toEqual([2]);
    const next = await peeringDb.listExchangeMembers(7, { limit: 1, cursor: page.next_cursor ?? '' });
    expect(next.members.map((m) => m.network.id)).toEqual([1]);
    expect((await peeringDb.getExchangeMember(7, 2))?.presences.map((p) => p.id)).toEqual([11, 12]);
    expect((await peeringDb.findPresencesByIp('2001:0DB8::0002')).map((p) => p.id)).toEqual([11]);
  });

  it('follows a rename, a new contact, a moved port and a deleted network', async () => {
    const report = await syncObjects({
      net: [
        { id: 1, asn: 64_501, name: 'Alpha Prime' },
        { id: 2, asn: 64_502, name: 'alpha net' },
      ],
      netixlan: rows.map((r) => (r.id === 12 ? { ...r, ix_id: 8, ixlan_id: 8 } : r)),
      poc: [...pocs, { id: 102, net_id: 1, role: 'Technical' }],
    });
    expect(report.types.net).toMatchObject({ changed: 1, deleted: 1, unchanged: 1 });
    expect(await membersAt(7)).toEqual([
      { net: 2, name: 'alpha net', rows: [11], roles: ['Policy', 'NOC'] },
      { net: 1, name: 'Alpha Prime', rows: [10], roles: ['Technical'] },
    ]);
    // Net 3 is gone, so its port at exchange 8 no longer makes it a member; net 2's moved port does.
    expect(await membersAt(8)).toEqual([{ net: 2, name: 'alpha net', rows: [12], roles: ['Policy', 'NOC'] }]);
    expect(await peeringDb.getNetworkPresences(2)).toHaveLength(2);
  });

  it('writes nothing when nothing changed, and only the touched member when one contact changed', async () => {
    const same = await syncObjects({ net: nets, netixlan: rows, poc: pocs });
    expect(same.writes).toEqual({ source: 0, derived: 0 });
    const renamed = pocs.map((p) => (p.id === 101 ? { ...p, name: 'Peering desk' } : p));
    const one = await syncObjects({ net: nets, netixlan: rows, poc: renamed });
    expect(one.writes).toEqual({ source: 1, derived: 1 });
    expect(one.members).toEqual({ written: 1, deleted: 0, unchanged: 0 });
    const newcomer = await syncObjects({
      net: [...nets, { id: 4, asn: 64_504, name: 'November Net' }],
      netixlan: [...rows, { id: 14, net_id: 4, ix_id: 8, ixlan_id: 8, asn: 64_504, ipaddr4: '198.51.100.4' }],
      poc: renamed,
    });
    expect(newcomer.writes).toEqual({ source: 2, derived: 1 });
  });

  it('rebuilds every member after a run that stopped before rebuilding them', async () => {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: { pk: memberPartition(7), sk: memberSortKey('Zulu Net', 1) },
      }),
    );
    await syncRunsRepository.setMembersDirty(true);
    const next = await syncObjects({ net: nets, netixlan: rows, poc: pocs });
    expect(next.writes.source).toBe(0);
    expect(next.members).toMatchObject({ written: 1, deleted: 0 });
    expect((await membersAt(7)).map((m) => m.net)).toEqual([2, 1]);
    expect(await syncRunsRepository.membersDirty()).toBe(false);
  });
});
