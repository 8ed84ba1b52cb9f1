import type { RenderRouter, RenderSession } from '../../shared/config-render/prepare';

/**
 * One router and four sessions that exercise every rendered feature: two IPv4 groups, IPv6,
 * a password, a prefix limit, a local AS that differs from the router's, a source address, a note,
 * and names that need cleaning.
 */
export const goldenRouter: RenderRouter = { hostname: 'ar1.example.net', asn: 64500, router_id: '192.0.2.1' };

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
];
