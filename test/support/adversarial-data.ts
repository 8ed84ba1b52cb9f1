import { expect } from 'vitest';
import { putSettings } from '../../shared/settings/settings';
import { createUser, updateUser } from '../../shared/users/users';
import { call, userWithRole } from './api';
import { ASHBURN, ashburnPort, syncObjects } from './peeringdb';

/**
 * A small realistic data set for the adversarial tests: we are network 100 (AS64500) at two
 * exchanges, with three peers (two with contacts), two routers, three sessions, one sent request, a
 * custom template, a user of each role and a few more users to be acted upon (the last disabled).
 */
export const OUR_NET = 100;
export const PEER_WITH_CONTACTS = 2;
export const SECOND_PEER = 1418;

export async function seedDataSet(options: { sender: string; sendRatePerSecond?: number; victims?: number }) {
  await syncObjects({
    ix: [...ASHBURN.ix, { id: 2, name: 'Quiet IX' }],
    ixlan: [...ASHBURN.ixlan, { id: 2, ix_id: 2 }],
    ixpfx: [...ASHBURN.ixpfx, { id: 3, ixlan_id: 2, protocol: 'IPv4', prefix: '198.51.100.0/24' }],
    net: [
      { id: OUR_NET, asn: 64500, name: 'Our Network' },
      {
        id: PEER_WITH_CONTACTS,
        asn: 20940,
        name: 'Akamai Technologies',
        info_prefixes4: 20,
        info_prefixes6: 5,
      },
      { id: SECOND_PEER, asn: 16509, name: 'Amazon.com', info_prefixes4: 200 },
      { id: 3899, asn: 12129, name: '123.net', info_prefixes4: 10, policy_general: 'Restrictive' },
    ],
    poc: [
      { id: 1, net_id: PEER_WITH_CONTACTS, role: 'Policy', email: 'peering@akamai.example' },
      { id: 2, net_id: PEER_WITH_CONTACTS, role: 'NOC', email: 'noc@akamai.example' },
      { id: 3, net_id: SECOND_PEER, role: 'Technical', email: 'peering@amazon.example' },
    ],
    netixlan: [
      ashburnPort(10, PEER_WITH_CONTACTS, 20940, '206.126.236.102', '2001:504:0:2::2:940:1'),
      ashburnPort(11, SECOND_PEER, 16509, '206.126.236.68'),
      ashburnPort(12, 3899, 12129, '206.126.236.70'),
      ashburnPort(13, OUR_NET, 64500, '206.126.236.1', '2001:504:0:2::1'),
      { id: 14, net_id: OUR_NET, ix_id: 2, ixlan_id: 2, asn: 64500, ipaddr4: '198.51.100.1' },
      { id: 15, net_id: PEER_WITH_CONTACTS, ix_id: 2, ixlan_id: 2, asn: 20940, ipaddr4: '198.51.100.2' },
    ],
  });
  await putSettings(
    {
      source_asn: 64500,
      source_participant_id: OUR_NET,
      company_name: 'Example Networks',
      email_from: options.sender,
      send_rate_per_second: options.sendRatePerSecond ?? 2,
    },
    { email: 'setup@peerflow.example' },
  );
  const [viewer, operator, admin] = await Promise.all([
    userWithRole('viewer'),
    userWithRole('operator'),
    userWithRole('admin'),
  ]);
  const count = options.victims ?? 3;
  const victims = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      createUser({
        email: `victim-${i}-${crypto.randomUUID().slice(0, 6)}@example.net`,
        password: 'a long enough password',
        name: `Victim ${i}`,
        role: i === 0 ? 'admin' : 'viewer',
      }),
    ),
  );
  const disabled = victims[count - 1]!;
  await updateUser(disabled.id, { disabled: true });

  const token = admin.token;
  const router = async (hostname: string, platform: string) => {
    const res = await call('POST', '/routers', {
      token,
      body: { hostname, platform, asn: 64500, router_id: '192.0.2.1' },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  const routers = [await router('edge1.example.net', 'frr'), await router('edge2.example.net', 'junos')];
  const sessions: string[] = [];
  for (const [resource, ip] of [
    [routers[0]!, '206.126.236.102'],
    [routers[0]!, '2001:504:0:2::2:940:1'],
    [routers[1]!, '206.126.236.68'],
  ] as const) {
    const res = await call('POST', '/sessions', {
      token,
      body: { resource_id: resource, peer_ipaddr: ip, password: 'secret1' },
    });
    expect(res.status).toBe(201);
    sessions.push(res.json.id as string);
  }
  const request = await call('POST', '/requests', {
    token,
    body: { peer_participant_id: PEER_WITH_CONTACTS },
  });
  expect(request.status).toBe(201);
  const template = await call('PUT', '/templates/custom-intro', {
    token,
    body: { subject: 'Peering with {{company_name}}', text: 'Hello {{peer_name}}, shall we peer?' },
  });
  expect(template.status).toBe(200);
  return {
    viewer,
    operator,
    admin,
    victims,
    disabled,
    routers,
    sessions,
    requestId: request.json.id as string,
  };
}

export type DataSet = Awaited<ReturnType<typeof seedDataSet>>;
