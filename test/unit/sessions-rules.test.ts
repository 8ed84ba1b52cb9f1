import { describe, expect, it } from 'vitest';
import { render } from '../../shared/config-render/render';
import {
  groupIdentifier,
  isValidPassword,
  prepare,
  RenderError,
  type RenderSession,
  safeText,
} from '../../shared/config-render/prepare';
import { canonicalIp, inAnyPrefix, ipVersion, outsidePrefixes } from '../../shared/kernel/ip-address';
import { expectedVersion } from '../../shared/platform/http/versioning';
import { ValidationError } from '../../shared/platform/errors';

describe('IP addresses', () => {
  it('keeps one canonical spelling per address', () => {
    expect(canonicalIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('192.0.2.1')).toBe('192.0.2.1');
  });

  it('refuses what is not a plain address', () => {
    for (const bad of [
      '192.0.2.256',
      '01.2.3.4',
      'fe80::1%eth0',
      ' 192.0.2.1',
      '192.0.2.1/32',
      'example.net',
      '',
    ]) {
      expect(ipVersion(bad), bad).toBeUndefined();
      expect(canonicalIp(bad), bad).toBeUndefined();
    }
  });

  it('finds an address in the prefixes of its own family only', () => {
    const prefixes = ['206.126.236.0/22', '2001:504:0:2::/64'];
    expect(inAnyPrefix('206.126.239.255', prefixes)).toBe(true);
    expect(inAnyPrefix('206.126.240.0', prefixes)).toBe(false);
    expect(inAnyPrefix('2001:504:0:2::99', prefixes)).toBe(true);
    expect(inAnyPrefix('2001:504:0:3::1', prefixes)).toBe(false);
    expect(inAnyPrefix('206.126.236.1', ['2001:504:0:2::/64', 'garbage', '206.126.236.0/33'])).toBe(false);
  });

  it('says which prefixes of its family an address is outside of', () => {
    const prefixes = ['206.126.236.0/22', '2001:504:0:2::/64'];
    expect(outsidePrefixes('206.126.236.9', 'IX', prefixes)).toBeNull();
    expect(outsidePrefixes('8.8.8.8', 'IX', prefixes)).toBe(
      '8.8.8.8 is not in the ipv4 prefixes of IX (206.126.236.0/22)',
    );
    // No prefix of the family in PeeringDB: nothing to hold against the address.
    expect(outsidePrefixes('2001:db8::1', 'IX', ['206.126.236.0/22'])).toBeNull();
    expect(outsidePrefixes('2001:db8::1', 'IX', [])).toBeNull();
    expect(outsidePrefixes('2001:db8::1', 'IX', ['2001:504:0:2::/64'])).toBe(
      '2001:db8::1 is not in the ipv6 prefixes of IX (2001:504:0:2::/64)',
    );
  });
});

describe('values entering a config', () => {
  it('reduces free text to characters inert on every platform', () => {
    expect(safeText('Zürich "IX"; {evil}\nneighbor 1.2.3.4 # ! \\ $x `y`')).toBe(
      'Zurich IX evil neighbor 1.2.3.4 x y',
    );
    expect(safeText('a'.repeat(200))).toHaveLength(80);
    expect(safeText('中文 🙂')).toBe('');
  });

  it('turns peer groups into identifiers that never merge two different groups', () => {
    expect(groupIdentifier(null)).toBe('peers');
    expect(groupIdentifier('transit_a')).toBe('transit_a');
    const spaced = groupIdentifier('group b');
    const underscored = groupIdentifier('group_b');
    expect(spaced).toMatch(/^group_b_[0-9a-f]{6}$/);
    expect(underscored).toBe('group_b');
    expect(groupIdentifier('1; }')).toMatch(/^group_[0-9a-f]{6}$/);
    expect(groupIdentifier('x'.repeat(64)).length).toBeLessThanOrEqual(27);
  });

  it('accepts only passwords every router takes literally', () => {
    for (const ok of ['ace12345', 'a.b_c~d+e=f@g:h,i/j-k', 'Z'.repeat(80)])
      expect(isValidPassword(ok), ok).toBe(true);
    for (const bad of [
      '',
      ' lead',
      'has space',
      'q"uote',
      "it's",
      'semi;',
      'br{ace}',
      'hash#',
      'new\nline',
      'é',
      'Z'.repeat(81),
    ]) {
      expect(isValidPassword(bad), bad).toBe(false);
    }
  });

  const session = (over: Partial<RenderSession> = {}): RenderSession => ({
    peer_ipaddr: '192.0.2.10',
    peer_asn: 64512,
    peer_name: 'Peer',
    peer_group: null,
    prfx_max: null,
    password: null,
    note: null,
    source_ipaddr: null,
    source_asn: 64500,
    ...over,
  });
  const router = { hostname: 'r1', asn: 64500, router_id: '192.0.2.1' };

  it('refuses values no renderer may print', () => {
    const cases: [Partial<RenderSession> | null, Partial<typeof router> | null][] = [
      [{ peer_asn: 0 }, null],
      [{ peer_asn: 4_294_967_296 }, null],
      [{ peer_ipaddr: '2001:DB8::1' }, null],
      [{ peer_ipaddr: '192.0.2.10\nneighbor 1.1.1.1' }, null],
      [{ source_ipaddr: '2001:db8::1' }, null],
      [{ password: 'a b' }, null],
      [{ prfx_max: 0 }, null],
      [{ prfx_max: 1.5 }, null],
      [null, { router_id: '2001:db8::1' }],
      [null, { asn: -1 }],
    ];
    for (const [s, r] of cases) {
      expect(() => prepare({ ...router, ...r }, [session(s ?? {})]), JSON.stringify([s, r])).toThrow(
        RenderError,
      );
    }
    expect(() => prepare(router, [session(), session()])).toThrow(/appears twice/);
  });

  it('groups sessions by peer group and family, IPv4 first', () => {
    const c = prepare(router, [
      session({ peer_ipaddr: '2001:db8::2', peer_group: 'b' }),
      session({ peer_ipaddr: '192.0.2.20', peer_group: 'b' }),
      session({ peer_ipaddr: '192.0.2.3' }),
    ]);
    expect(c.groups.map((g) => [g.name, g.sessions.map((s) => s.ip)])).toEqual([
      ['b_v4', ['192.0.2.20']],
      ['peers_v4', ['192.0.2.3']],
      ['b_v6', ['2001:db8::2']],
    ]);
  });
});

describe('password limits of a platform', () => {
  const router = { hostname: 'r1', asn: 64500, router_id: '192.0.2.1' };
  const session = (password: string): RenderSession => ({
    peer_ipaddr: '192.0.2.9',
    peer_asn: 64501,
    peer_name: 'Peer',
    peer_group: null,
    prfx_max: null,
    password,
    note: null,
    source_ipaddr: null,
    source_asn: 64500,
  });

  it('renders no IOS config with a password longer than 25 characters', () => {
    expect(render('cisco-ios', router, [session('a'.repeat(25))])).toContain('a'.repeat(25));
    expect(() => render('cisco-ios', router, [session('a'.repeat(26))])).toThrow(
      new RenderError('the password of 192.0.2.9: cisco-ios accepts passwords of at most 25 characters'),
    );
    expect(render('junos', router, [session('a'.repeat(26))])).toContain('a'.repeat(26));
  });
});

describe('optimistic concurrency', () => {
  it('reads the expected version from the body or If-Match', () => {
    expect(expectedVersion(undefined, undefined)).toBeUndefined();
    expect(expectedVersion(3, undefined)).toBe(3);
    expect(expectedVersion(undefined, '"4"')).toBe(4);
    expect(expectedVersion(undefined, 'W/"5"')).toBe(5);
    expect(expectedVersion(6, '"6"')).toBe(6);
    expect(() => expectedVersion(6, '"7"')).toThrow(ValidationError);
    expect(() => expectedVersion(undefined, '*')).toThrow(ValidationError);
  });
});
