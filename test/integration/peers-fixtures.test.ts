import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Peer, listPeersRoute } from '../../shared/peers/routes';
import { compareOrder } from '../../shared/peers/peer-view';
import { userWithRole, callRoute, type RouteQuery } from '../support/api';
import { baselineApi, fixturesAvailable, syncFixtures } from '../support/peeringdb';

/**
 * DE-CIX Frankfurt (ix 31) from real PeeringDB API responses: 70 netixlan rows there, of networks
 * some of which are in the net pages (the fixture cuts every type at its first 500 ids).
 */
const DECIX = 31;
const available = fixturesAvailable(baselineApi);

interface Row {
  id: number;
  net_id: number;
  ix_id: number;
  ipaddr4: string | null;
  ipaddr6: string | null;
}
interface Net {
  id: number;
  name: string;
  policy_general: string;
  info_type: string;
  info_prefixes4: number | null;
}
interface Poc {
  id: number;
  net_id: number;
  role: string;
  visible: string;
}

function pages<T>(type: string): T[] {
  return ['page-1.json', 'page-2.json'].flatMap(
    (file) => (JSON.parse(readFileSync(path.join(baselineApi, type, file), 'utf8')) as { data: T[] }).data,
  );
}

describe.skipIf(!available)('peers at DE-CIX Frankfurt from real PeeringDB data', () => {
  let token: string;
  let rows: Row[];
  let nets: Map<number, Net>;
  let pocs: Poc[];
  let expectedIds: number[];

  beforeAll(async () => {
    await syncFixtures();
    token = (await userWithRole('viewer')).token;
    rows = pages<Row>('netixlan').filter((r) => r.ix_id === DECIX);
    nets = new Map(pages<Net>('net').map((n) => [n.id, n]));
    pocs = pages<Poc>('poc');
    expectedIds = [...new Set(rows.map((r) => r.net_id))].filter((id) => nets.has(id));
  }, 120_000);

  async function everyPeer(filters: RouteQuery<typeof listPeersRoute>) {
    const all: Peer[] = [];
    let cursor: string | null = null;
    do {
      const query: RouteQuery<typeof listPeersRoute> = {
        limit: 7,
        ...filters,
        ...(cursor ? { cursor } : {}),
      };
      const res = await callRoute(listPeersRoute, { token, params: { public_id: DECIX }, query });
      expect(res.status).toBe(200);
      all.push(...res.json.data);
      cursor = res.json.next_cursor;
    } while (cursor);
    return all;
  }

  it('has the 70 netixlan rows the fixture promises', () => {
    expect(rows).toHaveLength(70);
    expect(expectedIds.length).toBeGreaterThan(20);
  });

  it('lists every network with a port there, once, ordered by name', async () => {
    const peers = await everyPeer({ include_public_ips: 'true', include_contacts: 'true' });
    expect(peers.map((p) => p.id).sort((a, b) => a - b)).toEqual([...expectedIds].sort((a, b) => a - b));
    const order = peers.map((p) => [p.name.trim().toLowerCase(), p.id] as [string, number]);
    const sorted = [...order].sort(compareOrder);
    expect(order).toEqual(sorted);
    for (const peer of peers) {
      const own = rows.filter((r) => r.net_id === peer.id);
      expect((peer.public_ips ?? []).map((ip: { ipaddr4: string | null }) => ip.ipaddr4).sort()).toEqual(
        own.map((r) => r.ipaddr4).sort(),
      );
      expect(peer.public_id).toBe(DECIX);
      expect(peer.info_prefixes.v4).toBe(nets.get(peer.id)?.info_prefixes4);
      const publicPocs = pocs.filter((c) => c.net_id === peer.id && c.visible === 'Public');
      expect((peer.contacts ?? []).map((c: { id: number }) => c.id).sort()).toEqual(
        publicPocs.map((c) => c.id).sort(),
      );
    }
  });

  it('qualifies by the default rules with a reason for each verdict', async () => {
    const peers = await everyPeer({});
    expect(peers.some((p) => p.qualified)).toBe(true);
    for (const peer of peers) {
      const net = nets.get(peer.id);
      const policy = net?.policy_general ?? '';
      const routeServer = net?.info_type === 'Route Server';
      expect(peer.is_route_server, peer.name).toBe(routeServer);
      expect(peer.qualified, peer.name).toBe(!routeServer && (policy === 'Open' || policy === 'Selective'));
      expect(peer.qualification_reasons[0]).toMatch(
        routeServer ? /^route server \(info_type Route Server\)$/ : /^policy_general .+ is (not )?allowed/,
      );
    }
  });

  it("marks DE-CIX's own route servers (AS6695, policy Open) and leaves them out of qualified peers", async () => {
    const routeServers = await everyPeer({ is_route_server: 'true' });
    expect(routeServers.map((p) => [p.asn, p.name])).toEqual([[6695, 'DE-CIX Frankfurt Route Servers']]);
    expect(routeServers[0]).toMatchObject({
      policy_general: 'Open',
      qualified: false,
      qualification_reasons: ['route server (info_type Route Server)', 'policy_general Open is allowed'],
    });
    const qualified = await everyPeer({ qualified: 'true' });
    expect(qualified.some((p) => p.asn === 6695)).toBe(false);
  });

  it('filters real data the way the raw records say', async () => {
    const open = await everyPeer({ policy_general: 'Open' });
    const expectedOpen = expectedIds.filter((id) => nets.get(id)?.policy_general === 'Open');
    expect(open.map((p) => p.id).sort((a, b) => a - b)).toEqual(expectedOpen.sort((a, b) => a - b));
    expect(expectedOpen.length).toBeGreaterThan(0);
  });
});
