import type { RenderPolicy, RenderRouter, RenderSession } from '../../shared/config-render/prepare';

/**
 * One router and six sessions that exercise every rendered feature: two IPv4 groups, IPv6,
 * a password, a prefix limit, a local AS that differs from the router's, a source address, a note,
 * names that need cleaning; and for the policies: an RTR server, our prefixes, an IRR list, an IRR
 * filter with no list, a route server, exchange tags, and a group whose policy is the operator's.
 */
export const goldenRouter: RenderRouter = {
  hostname: 'ar1.example.net',
  asn: 64500,
  router_id: '192.0.2.1',
  rtr_servers: [{ host: '192.0.2.53', port: 3323 }],
};

/** The settings the golden configs' policies come from. */
export const goldenPolicy: RenderPolicy = {
  own_prefixes: ['203.0.113.0/24', '2001:db8:100::/40'],
  groups: { 'LAME-PEERS': { irr_filter: true }, operator: { policy: 'external' } },
};

export const goldenSessions: RenderSession[] = [
  {
    peer_ipaddr: '206.126.236.102',
    peer_asn: 20940,
    peer_name: 'Akamai Technologies',
    peer_group: 'group b',
    prfx_max: 20,
    password: 'ace12345',
    note: "I'm a fancy note.",
    source_ipaddr: '206.126.236.1',
    source_asn: 64500,
    exchange_id: 26,
    irr_filter: true,
    irr: { as_set: 'AS-AKAMAI', ipv4: ['23.32.0.0/11', '2.16.0.0/13'], ipv6: [], status: 'ok' },
  },
  {
    peer_ipaddr: '206.126.236.68',
    peer_asn: 16509,
    peer_name: 'Amazon.com',
    peer_group: null,
    prfx_max: null,
    password: null,
    note: null,
    source_ipaddr: null,
    source_asn: 64501,
    exchange_id: 26,
  },
  {
    peer_ipaddr: '206.126.236.70',
    peer_asn: 12129,
    peer_name: '123.net',
    peer_group: null,
    prfx_max: 10,
    password: null,
    note: null,
    source_ipaddr: null,
    source_asn: 64500,
    exchange_id: 26,
    // The exchange's route server: no first-AS check, and its own role and tag.
    peer_type: 'route-server',
  },
  {
    peer_ipaddr: '2001:504:0:2::1:6509',
    peer_asn: 4200000000,
    peer_name: 'Zürich "IX"; } net',
    peer_group: 'LAME-PEERS',
    prfx_max: 1000,
    password: 'x/y:z',
    note: 'two\nlines',
    source_ipaddr: null,
    source_asn: 64500,
  },
  {
    // A peer on no exchange: a multihop session from our address on the way to it.
    peer_ipaddr: '198.51.100.7',
    peer_asn: 64511,
    peer_name: 'Remote Transit',
    peer_group: null,
    prfx_max: null,
    password: null,
    note: null,
    source_ipaddr: '203.0.113.1',
    source_asn: 64500,
    multihop: 4,
  },
  {
    // A group whose policies the operator writes: peerflow only names them.
    peer_ipaddr: '206.126.236.90',
    peer_asn: 64512,
    peer_name: 'Own Policy Net',
    peer_group: 'operator',
    prfx_max: null,
    password: null,
    note: null,
    source_ipaddr: null,
    source_asn: 64500,
    exchange_id: 26,
  },
];
