import { describe, expect, it } from 'vitest';
import { type PeerFilters, PeerFiltersSchema, PeerSchema } from '../../shared/peers/routes';
import { type Contact, type ExchangeMember, type Network, orderContacts } from '../../shared/peeringdb/model';
import {
  buildPeer,
  compareOrder,
  hasFilters,
  isHidden,
  matchesFilters,
  memberOrder,
} from '../../shared/peers/peer-view';
import { QualificationRulesSchema } from '../../shared/settings/settings-schema';
import { emptyPeerState } from '../../shared/peers/peer-state-store';
import { testContact, testNetwork } from '../support/objects';

function network(overrides: Partial<Network> = {}): Network {
  return testNetwork({
    aka: 'Formerly Sample Networks',
    website: 'https://www.example.net',
    looking_glass: 'https://lg.example.net',
    notes: 'Peering at all common points',
    policy_url: 'https://example.net/peering',
    created: '2015-06-01T00:00:00Z',
    updated: '2024-03-15T12:00:00Z',
    ...overrides,
  });
}

function contact(id: number, role: string): Contact {
  return testContact({ id, role, name: `${role} desk` });
}

function member(net: Partial<Network> = {}, contacts: Contact[] = []): ExchangeMember {
  const n = network(net);
  return {
    network: n,
    contacts,
    presences: [
      {
        id: 9000 + n.id,
        net_id: n.id,
        ix_id: 31,
        ixlan_id: 31,
        asn: n.asn,
        ipaddr4: '80.81.192.10',
        ipaddr6: '2001:7f8::fbf4:0:1',
        speed: 100000,
        is_rs_peer: true,
        operational: true,
        created: '2015-06-01T00:00:00Z',
        updated: '2024-01-01T00:00:00Z',
      },
    ],
  };
}

const ctx = (embeds = { publicIps: false, contacts: false, log: false }) => ({
  publicId: 31,
  rules: QualificationRulesSchema.parse({}),
  ownAsn: null,
  routeServerAsns: new Set<number>(),
  embeds,
});

function peer(
  net: Partial<Network> = {},
  state: Partial<ReturnType<typeof emptyPeerState>> = {},
  is = false,
) {
  return buildPeer(
    { member: member(net), state: { ...emptyPeerState(31, 100), ...state }, isPeer: is, log: [] },
    ctx(),
  );
}

const filters = (f: Record<string, string>): PeerFilters => PeerFiltersSchema.parse(f);

describe('contacts order', () => {
  it('puts the preferred contact first, then Policy, Technical, NOC, then the rest in their order', () => {
    const list = [
      contact(1, 'Abuse'),
      contact(2, 'NOC'),
      contact(3, 'Technical'),
      contact(4, 'Policy'),
      contact(5, 'Sales'),
    ];
    expect(orderContacts(list, null).map((c) => c.id)).toEqual([4, 3, 2, 1, 5]);
    expect(orderContacts(list, 2).map((c) => c.id)).toEqual([2, 4, 3, 1, 5]);
  });
});

describe('peer view', () => {
  it('matches the Peer schema and embeds only what was asked for', () => {
    const m = member({}, [contact(1, 'NOC'), contact(2, 'Policy')]);
    const state = emptyPeerState(31, 100);
    const bare = buildPeer({ member: m, state, isPeer: false, log: [] }, ctx());
    expect(PeerSchema.parse(bare)).toEqual(bare);
    expect(bare).not.toHaveProperty('public_ips');
    expect(bare).not.toHaveProperty('contacts');
    expect(bare).not.toHaveProperty('log_data');
    expect(bare).toMatchObject({
      id: 100,
      public_id: 31,
      info_prefixes: { v4: 500, v6: 50 },
      request_status: 'none',
    });

    const full = buildPeer(
      { member: m, state: { ...state, preferred_contact_id: 1 }, isPeer: true, log: [] },
      ctx({ publicIps: true, contacts: true, log: true }),
    );
    expect(full.public_ips).toEqual([
      {
        ipaddr4: '80.81.192.10',
        ipaddr6: '2001:7f8::fbf4:0:1',
        speed: 100000,
        is_rs_peer: true,
        operational: true,
      },
    ]);
    expect(full.contacts?.map((c) => [c.id, c.preferred])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(full.log_data).toEqual([]);
    expect(full.is_peer).toBe(true);
  });

  it('carries the qualification verdict and its reasons', () => {
    expect(peer({ policy_general: 'Open' })).toMatchObject({
      qualified: true,
      qualification_reasons: ['policy_general Open is allowed'],
    });
    expect(peer({ policy_general: 'Restrictive' }).qualified).toBe(false);
  });
});

describe('hidden peers', () => {
  it('are hidden only until the date', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const state = emptyPeerState(31, 100);
    expect(isHidden(state, now)).toBe(false);
    expect(isHidden({ ...state, hidden_until: '2026-06-02T00:00:00.000Z' }, now)).toBe(true);
    expect(isHidden({ ...state, hidden_until: '2026-05-31T00:00:00.000Z' }, now)).toBe(false);
  });
});

describe('order', () => {
  it('compares name and id as one key, the way member pages are read', () => {
    const keys = [member({ name: 'Quin Networks', id: 74 }), member({ name: 'Quin Networks 2', id: 344 })]
      .map(memberOrder)
      .sort(compareOrder);
    expect(keys).toEqual([
      ['quin networks 2', 344],
      ['quin networks', 74],
    ]);
  });

  it('sorts by lowercase name, then id', () => {
    const keys = [
      member({ name: 'beta', id: 2 }),
      member({ name: 'Alpha', id: 9 }),
      member({ name: 'alpha', id: 3 }),
    ]
      .map(memberOrder)
      .sort(compareOrder);
    expect(keys).toEqual([
      ['alpha', 3],
      ['alpha', 9],
      ['beta', 2],
    ]);
  });
});

describe('filters', () => {
  it('knows when none is set', () => {
    expect(hasFilters(filters({}))).toBe(false);
    expect(hasFilters(filters({ asn: '1' }))).toBe(true);
  });

  it.each([
    ['name', 'EXAMPLE', 'other'],
    ['aka', 'sample', 'nlayer'],
    ['website', 'www.example', 'example.org'],
    ['irr_as_set', 'as-exa', 'AS-OTHER'],
    ['notes_public', 'common points', 'closed'],
    ['policy_url', '/peering', '/policy.pdf'],
    ['looking_glass', 'lg.', 'telnet'],
  ])('matches %s as a case-insensitive substring', (field, hit, miss) => {
    expect(matchesFilters(peer(), filters({ [field]: hit }))).toBe(true);
    expect(matchesFilters(peer(), filters({ [field]: miss }))).toBe(false);
  });

  it('matches private notes from our own state', () => {
    const p = peer({}, { notes_private: 'Call Anna first' });
    expect(matchesFilters(p, filters({ notes_private: 'anna' }))).toBe(true);
    expect(matchesFilters(peer(), filters({ notes_private: 'anna' }))).toBe(false);
  });

  it.each([
    ['id', '100', '101'],
    ['asn', '64500', '64501'],
    ['info_traffic', '10-20Gbps', '10-20gbps'],
    ['info_ratio', 'Balanced', 'Mostly Inbound'],
    ['info_scope', 'Europe', 'Global'],
    ['info_type', 'NSP', 'Content'],
    ['policy_general', 'Open', 'Selective'],
    ['policy_locations', 'Not Required', 'Preferred'],
    ['policy_contracts', 'Not Required', 'Required'],
    ['info_unicast', 'true', 'false'],
    ['info_multicast', 'false', 'true'],
    ['info_ipv6', '1', '0'],
    ['policy_ratio', 'false', 'true'],
    ['qualified', 'true', 'false'],
    ['is_peer', 'false', 'true'],
    ['request_status', 'none', 'sent'],
    ['info_prefixes4', '500', '499'],
    ['info_prefixes6', '50', '51'],
    ['info_prefixes4_min', '500', '501'],
    ['info_prefixes6_min', '10', '51'],
  ])('matches %s exactly', (field, hit, miss) => {
    expect(matchesFilters(peer(), filters({ [field]: hit }))).toBe(true);
    expect(matchesFilters(peer(), filters({ [field]: miss }))).toBe(false);
  });

  it('treats an undisclosed prefix count as below any minimum', () => {
    expect(matchesFilters(peer({ info_prefixes4: null }), filters({ info_prefixes4_min: '0' }))).toBe(false);
  });

  it('takes date ranges: after inclusive, before exclusive, a bare date as a whole day', () => {
    const p = peer({ created: '2015-06-01T00:00:00Z', updated: '2024-03-15T12:00:00Z' });
    expect(matchesFilters(p, filters({ created_after: '2015-06-01' }))).toBe(true);
    expect(matchesFilters(p, filters({ created_after: '2015-06-01T00:00:01Z' }))).toBe(false);
    expect(matchesFilters(p, filters({ created_before: '2015-06-01' }))).toBe(true);
    expect(matchesFilters(p, filters({ created_before: '2015-06-01T00:00:00Z' }))).toBe(false);
    expect(matchesFilters(p, filters({ updated_after: '2024-01-01', updated_before: '2024-12-31' }))).toBe(
      true,
    );
    expect(matchesFilters(p, filters({ updated_after: '2024-03-16' }))).toBe(false);
    expect(matchesFilters(p, filters({ updated_before: '2024-03-14' }))).toBe(false);
  });

  it('refuses filters of the wrong type', () => {
    for (const bad of [
      { asn: 'AS64500' },
      { id: '0' },
      { qualified: 'yes' },
      { request_status: 'pending' },
      { created_after: 'last week' },
      { info_prefixes4_min: '-1' },
      { name: 'a\nb' },
    ]) {
      expect(PeerFiltersSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
