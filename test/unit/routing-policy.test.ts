import { describe, expect, it } from 'vitest';
import { BOGON_ASNS, numberRangeRegex, parsePrefix } from '../../shared/config-render/policy';
import { checkRtrServer, prepare, RenderError, type RenderSession } from '../../shared/config-render/prepare';
import { render, renderRemoval } from '../../shared/config-render/render';
import { bogonAsPathRegex } from '../../shared/config-render/route-maps';

const router = { hostname: 'r1.example.net', asn: 64500, router_id: '192.0.2.1' };
const session = (over: Partial<RenderSession> = {}): RenderSession => ({
  peer_ipaddr: '192.0.2.2',
  peer_asn: 3320,
  peer_name: 'Peer',
  peer_group: null,
  prfx_max: null,
  password: null,
  note: null,
  source_ipaddr: null,
  source_asn: 64500,
  ...over,
});
const irrOf = (s: RenderSession, policy = { own_prefixes: [], groups: { peers: { irr_filter: true } } }) =>
  prepare(router, [s], policy).groups[0]!.sessions[0]!.policy!.irr;

describe('routing policy facts', () => {
  it('matches exactly the numbers of a range, digit by digit', () => {
    const ranges: [number, number][] = [
      [0, 0],
      [7, 93],
      [64496, 131071],
      [99, 1000],
      [4200000000, 4294967295],
    ];
    for (const [lo, hi] of ranges) {
      const re = new RegExp(`^(${numberRangeRegex(lo, hi)})$`);
      const probes = [lo - 1, lo, lo + 1, hi - 1, hi, hi + 1, Math.floor((lo + hi) / 2)].filter(
        (n) => n >= 0,
      );
      for (let n = Math.max(0, lo - 300); n <= Math.min(hi + 300, lo + 2000); n++) probes.push(n);
      for (const n of probes) expect(re.test(String(n)), `${n} in ${lo}..${hi}`).toBe(n >= lo && n <= hi);
    }
  });

  it('finds a bogon AS anywhere in a path, and only a bogon one', () => {
    const re = new RegExp(bogonAsPathRegex().replace(/_/g, '(^| |$)'));
    for (const path of [
      '3320 0 1299',
      '23456',
      '1299 64512',
      '65535 1',
      '3320 131071',
      '4200000000',
      '1 4294967295',
    ]) {
      expect(re.test(path), path).toBe(true);
    }
    for (const path of ['3320 1299', '64495 131072', '4199999999', '640 6449', '230456']) {
      expect(re.test(path), path).toBe(false);
    }
    expect(BOGON_ASNS.flat()).toContain(23456);
  });

  it('takes canonical prefixes only, with no host bits', () => {
    expect(parsePrefix('203.0.113.0/24')).toEqual({ prefix: '203.0.113.0/24', version: 'ipv4', length: 24 });
    expect(parsePrefix('2001:db8::/32')?.version).toBe('ipv6');
    for (const bad of [
      '203.0.113.1/24',
      '203.0.113.0/33',
      '2001:DB8::/32',
      '10.0.0.0',
      '10.0.0.0/8 le 24',
      '::/129',
      'x/8',
      '1.2.3.4/08x',
    ]) {
      expect(parsePrefix(bad), bad).toBeUndefined();
    }
  });

  it('takes an RTR server by address or host name, on a real port', () => {
    expect(checkRtrServer({ host: '2001:db8::1', port: 3323 })).toEqual({
      host: '2001:db8::1',
      port: 3323,
      address: true,
    });
    expect(checkRtrServer({ host: 'RTR.example.net', port: 8282 })).toEqual({
      host: 'rtr.example.net',
      port: 8282,
      address: false,
    });
    for (const bad of [
      { host: 'rtr example', port: 1 },
      { host: 'a"b', port: 1 },
      { host: 'r.example', port: 0 },
      { host: 'r.example', port: 65536 },
    ]) {
      expect(() => checkRtrServer(bad)).toThrow(RenderError);
    }
  });
});

describe('IRR lists of a session whose group asks for them', () => {
  const list = (status: 'ok' | 'empty' | 'too_large' | 'failed', ipv4: string[]) => ({
    as_set: 'AS-PEER',
    ipv4,
    ipv6: [],
    status,
  });

  it('accepts exactly the listed prefixes, and the last good list when the refresh failed', () => {
    expect(irrOf(session({ irr: list('ok', ['198.18.0.0/24', '11.0.0.0/24']) }))).toMatchObject({
      kind: 'list',
      prefixes: ['11.0.0.0/24', '198.18.0.0/24'],
    });
    expect(irrOf(session({ irr: list('failed', ['11.0.0.0/24']) }))).toMatchObject({
      kind: 'list',
      note: expect.stringContaining('the latest refresh failed'),
    });
  });

  it('denies everything, saying why, when no list is known, it is empty, refused or failed with nothing kept', () => {
    expect(irrOf(session({ irr: null }))).toEqual({
      kind: 'deny',
      asSet: null,
      note: expect.stringContaining('no IRR prefix list known'),
    });
    expect(irrOf(session({ irr: list('empty', []) }))?.note).toContain('has no IPv4 prefix');
    expect(irrOf(session({ irr: list('too_large', []) }))?.note).toContain('too large');
    expect(irrOf(session({ irr: list('failed', []) }))?.note).toContain('none was kept');
    expect(irrOf(session({ irr: list('ok', []), irr_filter: false }))).toBeNull();
  });

  it('refuses a list entry that is not a prefix of the family, rather than dropping it', () => {
    expect(() => irrOf(session({ irr: list('ok', ['11.0.0.1/24']) }))).toThrow(RenderError);
    expect(() => irrOf(session({ irr: list('ok', ['2001:db8::/32']) }))).toThrow(RenderError);
  });

  it('renders an explicit deny on every platform', () => {
    for (const platform of [
      'bird2',
      'frr',
      'openbgpd',
      'gobgp',
      'junos',
      'cisco-iosxr',
      'arista-eos',
      'cisco-ios',
    ] as const) {
      const text = render(platform, router, [session({ irr: list('empty', []) })], {
        own_prefixes: [],
        groups: { peers: { irr_filter: true } },
      });
      expect(text, platform).toContain('IRR list of AS-PEER has no IPv4 prefix: deny all');
    }
  });
});

describe('group settings', () => {
  it('keeps names only for a group whose policy is external, and writes the others', () => {
    const c = prepare(router, [session(), session({ peer_ipaddr: '192.0.2.3', peer_group: 'own' })], {
      own_prefixes: ['203.0.113.0/24'],
      groups: { own: { policy: 'external' } },
    });
    expect(c.groups.map((g) => [g.name, g.managed, g.sessions[0]!.policy === null])).toEqual([
      ['own_v4', false, true],
      ['peers_v4', true, false],
    ]);
  });

  it('tags routes with the exchange, the peer type and the peer AS; a route server skips the first-AS check', () => {
    const [peer, rs] = prepare(router, [
      session({ exchange_id: 26 }),
      session({ peer_ipaddr: '192.0.2.3', peer_asn: 6695, peer_type: 'route-server', exchange_id: 26 }),
    ]).groups[0]!.sessions.map((s) => s.policy!);
    expect(peer).toMatchObject({
      communities: ['64500:1:26', '64500:2:1', '64500:3:3320'],
      firstAs: true,
      role: 'peer',
    });
    expect(rs).toMatchObject({
      communities: ['64500:1:26', '64500:2:2', '64500:3:6695'],
      firstAs: false,
      role: 'rs-client',
    });
  });

  it('refuses RTR servers by name where the platform takes addresses only', () => {
    const named = { ...router, rtr_servers: [{ host: 'rtr.example.net', port: 3323 }] };
    for (const platform of ['openbgpd', 'junos', 'cisco-ios'] as const) {
      expect(() => render(platform, named, [session()])).toThrow(/by address, not by name/);
    }
    for (const platform of ['bird2', 'frr', 'gobgp', 'cisco-iosxr', 'arista-eos'] as const) {
      expect(render(platform, named, [session()])).toContain('rtr.example.net');
    }
  });
});

describe('removing a session', () => {
  it("takes its own policy away with it on the command platforms, and leaves its group's", () => {
    const gone = session({
      irr_filter: true,
      irr: { as_set: 'AS-X', ipv4: ['11.0.0.0/24'], ipv6: [], status: 'ok' },
    });
    const stays = session({ peer_ipaddr: '192.0.2.3' });
    const frr = renderRemoval('frr', router, [gone], [stays]).text;
    expect(frr).toContain('no route-map as3320_192_0_2_2_in\n');
    expect(frr).toContain('no ip prefix-list as3320_192_0_2_2_irr_not\n');
    expect(frr).toContain('no bgp as-path access-list as3320_192_0_2_2_not_first\n');
    expect(frr).not.toContain('peers_v4_in');
    const junos = renderRemoval('junos', router, [gone], [stays]).text;
    expect(junos).toContain('delete policy-options policy-statement as3320_192_0_2_2_in\n');
    expect(junos).toContain('delete policy-options prefix-list as3320_192_0_2_2_irr\n');
    expect(renderRemoval('cisco-iosxr', router, [gone], [stays]).text).toContain(
      'no route-policy as3320_192_0_2_2_in\n',
    );
    expect(renderRemoval('arista-eos', router, [gone], [stays]).text).toContain(
      'no route-map as3320_192_0_2_2_in\n',
    );
    expect(renderRemoval('cisco-ios', router, [gone], [stays]).text).toContain(
      'no route-map as3320_192_0_2_2_in\n',
    );
  });
});
