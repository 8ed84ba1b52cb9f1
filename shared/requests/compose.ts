import { escapeHtml, renderTemplate, type TemplateContext } from '../platform/email/template-engine';
import { ValidationError } from '../platform/errors';
import type { Network } from '../peeringdb';
import type { CompiledContent } from './templates';
import type { CommonExchange } from './common-exchanges';

export interface ComposeInput {
  companyName: string;
  sourceAsn: number;
  sourceParticipantId: number | null;
  irrAsSet: string;
  emailFrom: string;
  /** Our own PeeringDB record, when we have one: our prefix counts are the suggested max-prefix. */
  ourNetwork: Network | undefined;
  peer: Network;
  exchanges: readonly CommonExchange[];
  senderName: string;
  senderEmail: string;
}

export interface ComposedEmail {
  subject: string;
  text: string;
  html: string | null;
}

export const MAX_RENDERED_BYTES = 256 * 1024;
const MAX_SUBJECT = 300;
const NONE = 'n/a';

const list = (values: readonly string[]) => (values.length > 0 ? values.join(', ') : NONE);
const count = (value: number | null | undefined) =>
  value === null || value === undefined ? NONE : String(value);
const peeringDbUrl = (participantId: number | null, asn: number) =>
  participantId !== null
    ? `https://www.peeringdb.com/net/${participantId}`
    : `https://www.peeringdb.com/asn/${asn}`;

export function templateContext(input: ComposeInput): TemplateContext {
  return {
    values: {
      company_name: input.companyName,
      source_asn: String(input.sourceAsn),
      irr_as_set: input.irrAsSet || input.ourNetwork?.irr_as_set || NONE,
      peeringdb_url: peeringDbUrl(input.sourceParticipantId, input.sourceAsn),
      peer_name: input.peer.name,
      peer_asn: String(input.peer.asn),
      peer_peeringdb_url: peeringDbUrl(input.peer.id, input.peer.asn),
      suggested_max_prefix4: count(input.ourNetwork?.info_prefixes4),
      suggested_max_prefix6: count(input.ourNetwork?.info_prefixes6),
      peer_max_prefix4: count(input.peer.info_prefixes4),
      peer_max_prefix6: count(input.peer.info_prefixes6),
      sender_name: input.senderName,
      sender_email: input.senderEmail,
      email_from: input.emailFrom,
    },
    lists: {
      exchanges: input.exchanges.map((x) => ({
        exchange_name: x.public_name,
        public_id: String(x.public_id),
        our_ipv4: list(x.our_ipv4),
        our_ipv6: list(x.our_ipv6),
        peer_ipv4: list(x.peer_ipv4),
        peer_ipv6: list(x.peer_ipv6),
      })),
    },
  };
}

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

/** A subject is one header line whatever PeeringDB holds in a name: control characters become spaces. */
export function headerSafe(value: string, max = MAX_SUBJECT): string {
  const flat = value.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max) : flat;
}

export function composeEmail(template: CompiledContent, context: TemplateContext): ComposedEmail {
  const text = renderTemplate(template.text, context);
  const html = template.html ? renderTemplate(template.html, context, escapeHtml) : null;
  const size = Buffer.byteLength(text) + (html ? Buffer.byteLength(html) : 0);
  if (size > MAX_RENDERED_BYTES) {
    throw new ValidationError('The rendered email is too large', [
      {
        path: 'body.public_ids',
        message: `renders to ${size} bytes, over ${MAX_RENDERED_BYTES}; name fewer exchanges`,
      },
    ]);
  }
  return { subject: headerSafe(renderTemplate(template.subject, context)), text, html };
}
