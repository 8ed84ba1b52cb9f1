import type { Vocabulary } from '../platform/email/template-engine';

/** The names a peering template may use; a template naming anything else is refused when saved. */
export const PEERING_VOCABULARY: Vocabulary = {
  values: [
    'company_name',
    'source_asn',
    'irr_as_set',
    'peeringdb_url',
    'peer_name',
    'peer_asn',
    'peer_peeringdb_url',
    /** What we ask the peer to configure for us: our PeeringDB prefix counts. */
    'suggested_max_prefix4',
    'suggested_max_prefix6',
    /** What we will configure for the peer: its PeeringDB prefix counts. */
    'peer_max_prefix4',
    'peer_max_prefix6',
    'sender_name',
    'sender_email',
    'email_from',
    /** The names with their AS, "GTT Communications (AS3257)", the AS added only when the name lacks it. */
    'company_name_and_asn',
    'peer_name_and_asn',
    /** "<sender's name>, <company>", or the company alone when the sender's name is no person's. */
    'signature',
  ],
  lists: {
    exchanges: ['exchange_name', 'public_id', 'our_ipv4', 'our_ipv6', 'peer_ipv4', 'peer_ipv6'],
  },
};

export interface TemplateContent {
  subject: string;
  text: string;
  html: string | null;
}

const requestText = `Hello {{peer_name}} peering team,

{{company_name_and_asn}} would like to peer with {{peer_name_and_asn}} at our common exchanges:

{{#exchanges}}
{{exchange_name}}
  {{company_name_and_asn}}: {{our_ipv4}} {{our_ipv6}}
  {{peer_name_and_asn}}: {{peer_ipv4}} {{peer_ipv6}}
{{/exchanges}}

Our AS-SET: {{irr_as_set}}
Suggested max-prefix for our sessions: {{suggested_max_prefix4}} (IPv4), {{suggested_max_prefix6}} (IPv6).
We will set max-prefix {{peer_max_prefix4}} (IPv4) and {{peer_max_prefix6}} (IPv6) on our side.
PeeringDB: {{peeringdb_url}}

Best regards,
{{signature}}
{{email_from}}
`;

const requestHtml = `<p>Hello {{peer_name}} peering team,</p>
<p>{{company_name_and_asn}} would like to peer with {{peer_name_and_asn}} at our common exchanges:</p>
<table>
<tr><th>Exchange</th><th>{{company_name_and_asn}}</th><th>{{peer_name_and_asn}}</th></tr>
{{#exchanges}}
<tr><td>{{exchange_name}}</td><td>{{our_ipv4}}<br>{{our_ipv6}}</td><td>{{peer_ipv4}}<br>{{peer_ipv6}}</td></tr>
{{/exchanges}}
</table>
<p>Our AS-SET: {{irr_as_set}}<br>
Suggested max-prefix for our sessions: {{suggested_max_prefix4}} (IPv4), {{suggested_max_prefix6}} (IPv6).<br>
We will set max-prefix {{peer_max_prefix4}} (IPv4) and {{peer_max_prefix6}} (IPv6) on our side.<br>
PeeringDB: <a href="{{peeringdb_url}}">{{peeringdb_url}}</a></p>
<p>Best regards,<br>{{signature}}<br>{{email_from}}</p>
`;

const followUpText = `Hello {{peer_name}} peering team,

A friendly reminder of our peering request: {{company_name_and_asn}} would still like to peer
with {{peer_name_and_asn}} at:

{{#exchanges}}
{{exchange_name}}: ours {{our_ipv4}} {{our_ipv6}}, yours {{peer_ipv4}} {{peer_ipv6}}
{{/exchanges}}

Our AS-SET: {{irr_as_set}}; suggested max-prefix {{suggested_max_prefix4}} (IPv4), {{suggested_max_prefix6}} (IPv6).
PeeringDB: {{peeringdb_url}}

Best regards,
{{signature}}
`;

const completeText = `Hello {{peer_name}} peering team,

Our side of the sessions between {{company_name_and_asn}} and {{peer_name_and_asn}} is configured:

{{#exchanges}}
{{exchange_name}}: ours {{our_ipv4}} {{our_ipv6}}, yours {{peer_ipv4}} {{peer_ipv6}}
{{/exchanges}}

We set max-prefix {{peer_max_prefix4}} (IPv4) and {{peer_max_prefix6}} (IPv6) for you.
Please let us know when yours are up.

Best regards,
{{signature}}
`;

/** The templates every deployment has; a custom template of the same name takes its place. */
export const BUILT_IN_TEMPLATES: Readonly<Record<string, TemplateContent>> = {
  'peering-request': {
    subject: 'Peering request from {{company_name_and_asn}}',
    text: requestText,
    html: requestHtml,
  },
  'follow-up': {
    subject: 'Peering request from {{company_name_and_asn}}: follow-up',
    text: followUpText,
    html: null,
  },
  'configuration-complete': {
    subject: 'Peering with {{company_name_and_asn}}: configuration complete',
    text: completeText,
    html: null,
  },
};

export const DEFAULT_REQUEST_TEMPLATE = 'peering-request';
