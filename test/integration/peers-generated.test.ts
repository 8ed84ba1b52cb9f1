import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../scripts/lib/generate';
import { type Peer, listPeersRoute } from '../../shared/peers/routes';
import { compareOrder } from '../../shared/peers/peer-view';
import { memorySource } from '../../shared/peeringdb/sources/memory-source';
import { syncPeeringDb } from '../../shared/app/peeringdb-sync';
import { userWithRole, callRoute, type RouteQuery } from '../support/api';

/**
 * The project's own generated PeeringDB data (the demo scale): the peers of its biggest exchange
 * checked against what the raw records say, through every page.
 */
interface Net {
  id: number;
  name: string;
  asn: number;
  policy_general: string;
  info_type: string;
  info_prefixes4: number | null;
  updated: string;
}

const records = generate('small', 7);
const nets = new Map((records.net as unknown as Net[]).map((n) => [n.id, n]));
const byExchange = new Map<number, Set<number>>();
for (const row of records.netixlan as { ix_id: number; net_id: number }[]) {
  const members = byExchange.get(row.ix_id) ?? new Set<number>();
  members.add(row.net_id);
  byExchange.set(row.ix_id, members);
}
const [ix, memberIds] = [...byExchange.entries()].sort((a, b) => b[1].size - a[1].size)[0]!;
const members = [...memberIds].map((id) => nets.get(id)!);
const ids = (list: { id: number }[]) => list.map((n) => n.id).sort((a, b) => a - b);

let token: string;

beforeAll(async () => {
  const report = await syncPeeringDb({ source: memorySource(records), mode: 'full', trigger: 'test' });
  expect(report.status).toBe('succeeded');
  token = (await userWithRole('viewer')).token;
}, 120_000);

async function everyPeer(filters: RouteQuery<typeof listPeersRoute>): Promise<Peer[]> {
  const all: Peer[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const query: RouteQuery<typeof listPeersRoute> = { limit: 40, ...filters, ...(cursor ? { cursor } : {}) };
    const res = await callRoute(listPeersRoute, { token, params: { public_id: ix }, query });
    expect(res.status).toBe(200);
    all.push(...res.json.data);
    cursor = res.json.next_cursor;
    if (!cursor) break;
  }
  return all;
}

describe('peers at the biggest generated exchange', () => {
  it('lists each member once, in name order, across pages', async () => {
    expect(members.length).toBeGreaterThan(80);
    const peers = await everyPeer({ include_public_ips: 'true', include_contacts: 'true' });
    expect(ids(peers)).toEqual(ids(members));
    const order = peers.map((p) => [p.name.trim().toLowerCase(), p.id] as [string, number]);
    expect(order).toEqual([...order].sort(compareOrder));
    for (const peer of peers) expect(peer.public_ips?.length).toBeGreaterThan(0);
    // A filter that keeps everyone goes through the filtered path: same members, same order.
    const filtered = await everyPeer({ created_after: '1990-01-01' });
    expect(filtered.map((p) => p.id)).toEqual(peers.map((p) => p.id));
  });

  it.each<[string, RouteQuery<typeof listPeersRoute>, (n: Net) => boolean]>([
    ['&policy_general=Open', { policy_general: 'Open' }, (n: Net) => n.policy_general === 'Open'],
    ['&info_type=Content', { info_type: 'Content' }, (n: Net) => n.info_type === 'Content'],
    [
      '&qualified=false',
      { qualified: 'false' },
      (n: Net) => !['Open', 'Selective'].includes(n.policy_general) || n.info_type === 'Route Server',
    ],
    ['&info_prefixes4_min=1000', { info_prefixes4_min: 1000 }, (n: Net) => (n.info_prefixes4 ?? -1) >= 1000],
    ['&name=net', { name: 'net' }, (n: Net) => n.name.toLowerCase().includes('net')],
    [
      '&updated_after=2024-01-01',
      { updated_after: '2024-01-01' },
      (n: Net) => Date.parse(n.updated) >= Date.parse('2024-01-01T00:00:00Z'),
    ],
  ])('filters %s as the raw records say', async (_query, filters, keep) => {
    const expected = members.filter(keep);
    const peers = await everyPeer(filters);
    expect(ids(peers)).toEqual(ids(expected));
  });

  it('finds one member by ASN', async () => {
    const target = members[Math.floor(members.length / 2)]!;
    const peers = await everyPeer({ asn: target.asn });
    expect(peers.map((p) => p.id)).toEqual([target.id]);
  });
});
