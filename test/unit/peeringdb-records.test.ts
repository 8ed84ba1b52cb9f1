import { describe, expect, it } from 'vitest';
import { normalizeIp } from '../../shared/kernel';
import { parseRecord } from '../../shared/peeringdb/records';

const net = {
  id: 5,
  org_id: 9,
  asn: 64_500,
  name: 'Example',
  policy_general: 'Open',
  info_prefixes4: 20,
  created: '2020-01-01T00:00:00Z',
  updated: '2024-01-01T00:00:00Z',
  status: 'ok',
  social_media: [{ service: 'website', identifier: 'x' }],
};

describe('PeeringDB records', () => {
  it('keeps the fields the domain uses, fills PeeringDB defaults, drops the rest', () => {
    const parsed = parseRecord('net', net);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.object).toMatchObject({
      id: 5,
      asn: 64_500,
      aka: '',
      info_prefixes6: null,
      info_unicast: true,
    });
    expect(parsed.object).not.toHaveProperty('social_media');
    expect(parsed.object).not.toHaveProperty('status');
  });

  it('refuses records without an id, with a wrong type or a bad stamp, saying where', () => {
    expect(parseRecord('net', { ...net, id: undefined })).toMatchObject({ ok: false, id: null });
    expect(parseRecord('net', { ...net, asn: 'AS64500' })).toMatchObject({ ok: false, id: 5, reason: /asn/ });
    expect(parseRecord('net', { ...net, updated: 'last week' })).toMatchObject({
      ok: false,
      reason: /updated/,
    });
    expect(parseRecord('net', null)).toMatchObject({ ok: false });
    expect(parseRecord('netixlan', { id: 1, net_id: 1, ix_id: 1, updated: net.updated })).toMatchObject({
      ok: false,
    });
  });

  it('takes a deletion from its id and status alone', () => {
    expect(parseRecord('poc', { id: 77, status: 'deleted' })).toMatchObject({
      ok: true,
      deleted: true,
      id: 77,
    });
  });

  it('reads 2018 records that lack newer fields', () => {
    const pfx = {
      id: 2,
      ixlan_id: 1,
      protocol: 'IPv6',
      prefix: '2001:504:0:2::/64',
      status: 'ok',
      updated: '2016-03-14T21:41:40Z',
      created: '2010-07-29T00:00:00Z',
    };
    expect(parseRecord('ixpfx', pfx)).toMatchObject({ ok: true, object: { in_dfz: true, ix_id: null } });
  });
});

describe('normalizeIp', () => {
  it('writes IPv6 compressed and lowercase, IPv4 as is, and refuses the rest', () => {
    expect(normalizeIp('2001:07F8:0000:0000:0000:0000:0000:0001')).toBe('2001:7f8::1');
    expect(normalizeIp(' 80.81.192.1 ')).toBe('80.81.192.1');
    expect(normalizeIp('80.81.192.256')).toBeNull();
    expect(normalizeIp('fe80::1%eth0')).toBeNull();
  });
});
