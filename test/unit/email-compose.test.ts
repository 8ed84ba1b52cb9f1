import { describe, expect, it } from 'vitest';
import type { Contact, Network, Presence } from '../../shared/peeringdb/model';
import { commonExchanges, requestRecipient } from '../../shared/requests/common-exchanges';
import {
  composeEmail,
  headerSafe,
  isPersonName,
  nameAndAsn,
  nameHoldsAsn,
  templateContext,
} from '../../shared/requests/compose';
import { canMove, REQUEST_TRANSITIONS } from '../../shared/requests/status-machine';
import { compileContent } from '../../shared/requests/templates';
import { testContact, testNetwork } from '../support/objects';
import { BUILT_IN_TEMPLATES } from '../../shared/requests/peering-templates';

const presence = (ix: number, v4: string | null, v6: string | null, id = ix): Presence => ({
  id,
  net_id: 2,
  ix_id: ix,
  ixlan_id: ix,
  asn: 64_502,
  ipaddr4: v4,
  ipaddr6: v6,
  speed: 10_000,
  is_rs_peer: false,
  operational: true,
  created: '',
  updated: '',
});

const contact = (role: string, email: string): Contact =>
  testContact({ role, email, net_id: 2, updated: '' });

const network = (over: Partial<Network>): Network =>
  testNetwork({
    id: 2,
    org_id: null,
    asn: 64_502,
    name: 'Peer',
    website: '',
    irr_as_set: '',
    info_traffic: '',
    info_ratio: '',
    info_scope: '',
    info_type: '',
    info_prefixes4: 50,
    info_prefixes6: null,
    policy_locations: '',
    policy_contracts: '',
    created: '',
    updated: '',
    ...over,
  });

describe('common exchanges', () => {
  it('keeps the exchanges both sides are on, in id order, with every address of each side', () => {
    const ours = [
      { public_id: 9, public_name: 'Nine', ipv4: ['192.0.2.1'], ipv6: [] },
      { public_id: 3, public_name: 'Three', ipv4: ['198.51.100.1'], ipv6: ['2001:db8::1'] },
      { public_id: 5, public_name: 'Five', ipv4: ['203.0.113.1'], ipv6: [] },
    ];
    const peer = [
      presence(3, '198.51.100.2', '2001:db8::2', 1),
      presence(3, '198.51.100.3', null, 2),
      presence(9, null, '2001:db8:9::2'),
      presence(4, '192.0.2.44', null),
    ];
    expect(commonExchanges(ours, peer)).toEqual([
      {
        public_id: 3,
        public_name: 'Three',
        our_ipv4: ['198.51.100.1'],
        our_ipv6: ['2001:db8::1'],
        peer_ipv4: ['198.51.100.2', '198.51.100.3'],
        peer_ipv6: ['2001:db8::2'],
      },
      {
        public_id: 9,
        public_name: 'Nine',
        our_ipv4: ['192.0.2.1'],
        our_ipv6: [],
        peer_ipv4: [],
        peer_ipv6: ['2001:db8:9::2'],
      },
    ]);
  });
});

describe('request recipient', () => {
  it('prefers Policy, then Technical, then NOC, skipping contacts without a usable address', () => {
    expect(requestRecipient([contact('NOC', 'noc@x.net'), contact('Policy', 'peering@x.net')])?.email).toBe(
      'peering@x.net',
    );
    expect(requestRecipient([contact('NOC', 'noc@x.net'), contact('Technical', 'tech@x.net')])?.email).toBe(
      'tech@x.net',
    );
    expect(requestRecipient([contact('Policy', ''), contact('NOC', ' noc@x.net ')])?.email).toBe('noc@x.net');
    expect(requestRecipient([contact('Policy', 'see https://x.net/peering')])).toBeUndefined();
    expect(requestRecipient([contact('Policy', 'a@x.net, b@x.net')])).toBeUndefined();
    expect(
      requestRecipient([contact('Sales', 'sales@x.net'), contact('Abuse', 'abuse@x.net')]),
    ).toBeUndefined();
  });
});

describe('composing a peering request', () => {
  it('renders the built-in request with both sides, max-prefix values and a one-line subject', () => {
    const email = composeEmail(
      compileContent(BUILT_IN_TEMPLATES['peering-request']!),
      templateContext({
        companyName: 'Ours',
        sourceAsn: 64_501,
        sourceParticipantId: 1,
        irrAsSet: 'AS-OURS',
        emailFrom: 'peering@ours.example',
        ourNetwork: network({ id: 1, asn: 64_501, info_prefixes4: 120, info_prefixes6: 12 }),
        peer: network({ name: 'Bad\r\nBcc: victim@example.com <b>' }),
        exchanges: [
          {
            public_id: 3,
            public_name: 'IX <Three>',
            our_ipv4: ['198.51.100.1'],
            our_ipv6: [],
            peer_ipv4: ['198.51.100.2'],
            peer_ipv6: ['2001:db8::2'],
          },
        ],
        senderName: 'Ada',
        senderEmail: 'ada@ours.example',
      }),
    );
    expect(email.subject).toBe('Peering request from Ours (AS64501)');
    expect(email.text).toContain('IX <Three>\n  Ours (AS64501): 198.51.100.1 n/a\n');
    expect(email.text).toContain('198.51.100.2 2001:db8::2');
    expect(email.text).toContain('Suggested max-prefix for our sessions: 120 (IPv4), 12 (IPv6).');
    expect(email.text).toContain('We will set max-prefix 50 (IPv4) and n/a (IPv6) on our side.');
    expect(email.text).toContain('PeeringDB: https://www.peeringdb.com/net/1');
    expect(email.html).toContain('<td>IX &lt;Three&gt;</td>');
    expect(email.html).not.toContain('<b>');
  });

  it('adds the AS to a name only when the name does not state it already', () => {
    // Names as PeeringDB has them.
    const holding: [string, number][] = [
      ['GTT Communications (AS3257)', 3257],
      ['AT&T US - AS7132', 7132],
      ['Vodafone UK AS5388', 5388],
      ["BTnet (BT's UK IP Network - AS2856)", 2856],
      ['Lumen AS 3549', 3549],
      ['AS250.net', 250],
      ['AT&T US - 7018', 7018],
      ['Charter Communications (7843)', 7843],
      ['example as-64500 transit', 64500],
    ];
    for (const [name, asn] of holding) {
      expect(nameHoldsAsn(name, asn), name).toBe(true);
      expect(nameAndAsn(name, asn)).toBe(name);
    }
    const lacking: [string, number][] = [
      ['GTT Communications', 3257],
      ['GTT Communications (AS32570)', 3257],
      ['Net3257 Hosting', 3257],
      ['BAS3257 Networks', 3257],
      ['Telefonica Germany GmbH & Co. OHG (AS13184)', 3184],
    ];
    for (const [name, asn] of lacking) {
      expect(nameHoldsAsn(name, asn), name).toBe(false);
      expect(nameAndAsn(name, asn)).toBe(`${name} (AS${asn})`);
    }
    expect(nameAndAsn('', 64500)).toBe('AS64500');
  });

  it("signs with a person's name and the company, and with the company alone otherwise", () => {
    expect(isPersonName('Ada Lovelace')).toBe(true);
    expect(isPersonName('Administrator')).toBe(false);
    expect(isPersonName('  ')).toBe(false);
    expect(isPersonName('ada@ours.example')).toBe(false);
    const context = (senderName: string, companyName = 'Ours') =>
      templateContext({
        companyName,
        sourceAsn: 64_501,
        sourceParticipantId: 1,
        irrAsSet: '',
        emailFrom: 'peering@ours.example',
        ourNetwork: network({ id: 1, asn: 64_501, name: 'Ours Networks AS64501' }),
        peer: network({ name: 'GTT Communications (AS3257)', asn: 3257 }),
        exchanges: [],
        senderName,
        senderEmail: 'ada@ours.example',
      }).values;
    expect(context('Ada Lovelace').signature).toBe('Ada Lovelace, Ours');
    expect(context('Administrator').signature).toBe('Ours');
    expect(context('Ada Lovelace').peer_name_and_asn).toBe('GTT Communications (AS3257)');
    // Without a company name in the settings: our PeeringDB name, which holds our AS already.
    expect(context('Administrator', '')).toMatchObject({
      company_name: 'Ours Networks AS64501',
      company_name_and_asn: 'Ours Networks AS64501',
      signature: 'Ours Networks AS64501',
    });
  });

  it('flattens control characters out of a header value', () => {
    expect(headerSafe('Peering\r\nBcc: x@y.z\u0000 with\tus')).toBe('Peering Bcc: x@y.z with us');
    expect(headerSafe('x'.repeat(400))).toHaveLength(300);
  });
});

describe('request status machine', () => {
  it('allows exactly failed -> sent and sent -> accepted | rejected', () => {
    const states = Object.keys(REQUEST_TRANSITIONS) as (keyof typeof REQUEST_TRANSITIONS)[];
    const allowed = states.flatMap((from) =>
      states.filter((to) => canMove(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(['failed->sent', 'sent->accepted', 'sent->rejected']);
  });
});
