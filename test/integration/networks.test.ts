import { beforeAll, describe, expect, it } from 'vitest';
import { getNetworkRoute, listNetworksRoute } from '../../shared/exchanges/networks-routes';
import { call, callRoute, userWithRole } from '../support/api';
import { syncObjects } from '../support/peeringdb';

let viewer = '';

beforeAll(async () => {
  viewer = (await userWithRole('viewer')).token;
  await syncObjects({
    ix: [
      { id: 1, name: 'Equinix Ashburn' },
      { id: 31, name: 'DE-CIX Frankfurt' },
    ],
    net: [
      { id: 10, asn: 64_510, name: 'beta Transit' },
      { id: 11, asn: 64_511, name: 'Alpha Cloud', policy_general: 'Selective' },
      { id: 12, asn: 64_512, name: 'Alphabet Soup' },
    ],
    poc: [
      { id: 1, net_id: 11, role: 'NOC', name: 'NOC desk', email: 'noc@alpha.example' },
      { id: 2, net_id: 11, role: 'Policy', name: 'Peering', email: 'peering@alpha.example' },
      { id: 3, net_id: 11, role: 'Technical', name: 'Tech', email: 'tech@alpha.example' },
    ],
    netixlan: [
      {
        id: 500,
        net_id: 11,
        ix_id: 31,
        ixlan_id: 31,
        asn: 64_511,
        ipaddr4: '80.81.192.11',
        ipaddr6: '2001:7f8::fbff:0:1',
      },
      { id: 501, net_id: 11, ix_id: 1, ixlan_id: 1, asn: 64_511, ipaddr4: '206.126.236.11' },
    ],
  });
});

const names = (res: { json: { data: { name: string }[] } }) => res.json.data.map((n) => n.name);

describe('GET /networks', () => {
  it('lists networks ordered by name, case-insensitively', async () => {
    const res = await callRoute(listNetworksRoute, { token: viewer });
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['Alpha Cloud', 'Alphabet Soup', 'beta Transit']);
    expect(res.json.data[0]).toMatchObject({ participant_id: 11, asn: 64_511, policy_general: 'Selective' });
  });

  it('finds by ASN and by name prefix', async () => {
    expect(names(await callRoute(listNetworksRoute, { token: viewer, query: { asn: 64510 } }))).toEqual([
      'beta Transit',
    ]);
    expect(names(await callRoute(listNetworksRoute, { token: viewer, query: { name: 'ALPHA' } }))).toEqual([
      'Alpha Cloud',
      'Alphabet Soup',
    ]);
    expect(names(await callRoute(listNetworksRoute, { token: viewer, query: { asn: 64999 } }))).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const first = await callRoute(listNetworksRoute, { token: viewer, query: { limit: 2 } });
    expect(names(first)).toEqual(['Alpha Cloud', 'Alphabet Soup']);
    const second = await callRoute(listNetworksRoute, {
      token: viewer,
      query: { limit: 2, cursor: first.json.next_cursor ?? undefined },
    });
    expect(names(second)).toEqual(['beta Transit']);
    expect(second.json.next_cursor).toBeNull();
  });

  it('refuses a bad ASN with 422 and anonymous callers with 401', async () => {
    expect((await callRoute(listNetworksRoute, { token: viewer, query: { asn: -1 } })).status).toBe(422);
    // A name of blanks is no name: refused, not a failed query.
    const blank = await call('GET', '/networks?name=%20%20', { token: viewer });
    expect(blank.status).toBe(422);
    expect(JSON.stringify(blank.json)).toContain('must hold more than blanks');
    expect((await call('GET', '/networks?asn=abc', { token: viewer })).status).toBe(422);
    expect((await callRoute(listNetworksRoute)).status).toBe(401);
  });
});

describe('GET /networks/{participant_id}', () => {
  it('has its contacts, policy first, and its exchanges with IPs', async () => {
    const res = await callRoute(getNetworkRoute, { token: viewer, params: { participant_id: 11 } });
    expect(res.status).toBe(200);
    expect(res.json.contacts.map((c: { role: string }) => c.role)).toEqual(['Policy', 'Technical', 'NOC']);
    // Each contact carries the id a peer's preferred_contact_id names.
    for (const c of res.json.contacts) expect(Number.isInteger(c.id)).toBe(true);
    expect(res.json.exchanges).toEqual([
      expect.objectContaining({
        public_id: 1,
        public_name: 'Equinix Ashburn',
        ipaddr4: '206.126.236.11',
        ipaddr6: null,
      }),
      expect.objectContaining({
        public_id: 31,
        public_name: 'DE-CIX Frankfurt',
        ipaddr6: '2001:7f8::fbff:0:1',
      }),
    ]);
    expect(res.json).toMatchObject({ participant_id: 11, asn: 64_511, name: 'Alpha Cloud' });
  });

  it('answers 404 with a clear message for an unknown network', async () => {
    const res = await callRoute(getNetworkRoute, { token: viewer, params: { participant_id: 424242 } });
    expect(res.status).toBe(404);
    expect(res.error?.message).toMatch(/424242/);
  });
});
