import type { Contact, Network } from '../../shared/peeringdb/model';

/**
 * PeeringDB objects as the domain reads them, for unit tests: plain defaults, each test overriding
 * the fields it is about.
 */
export function testNetwork(overrides: Partial<Network> = {}): Network {
  return {
    id: 100,
    org_id: 10,
    asn: 64500,
    name: 'Example Net',
    aka: '',
    name_long: '',
    website: 'https://example.net',
    irr_as_set: 'AS-EXAMPLE',
    info_traffic: '10-20Gbps',
    info_ratio: 'Balanced',
    info_scope: 'Europe',
    info_type: 'NSP',
    info_types: ['NSP'],
    info_prefixes4: 500,
    info_prefixes6: 50,
    info_unicast: true,
    info_multicast: false,
    info_ipv6: true,
    looking_glass: '',
    route_server: '',
    notes: '',
    policy_url: '',
    policy_general: 'Open',
    policy_locations: 'Not Required',
    policy_ratio: false,
    policy_contracts: 'Not Required',
    created: '2020-01-01T00:00:00Z',
    updated: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}

export function testContact(overrides: Partial<Contact> & Pick<Contact, 'role'>): Contact {
  return {
    id: 1,
    net_id: 100,
    name: overrides.role,
    email: `${overrides.role.toLowerCase()}@example.net`,
    phone: '',
    url: '',
    visible: 'Public',
    updated: '2024-01-01T00:00:00Z',
    ...overrides,
  };
}
