import { escapeHtml, renderTemplate, type TemplateContext } from '../platform/email/template-engine';
import { ValidationError } from '../platform/errors';
import type { Network } from '../peeringdb';
import { BOOTSTRAP_ADMIN_NAME } from '../users';
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

/**
 * Whether a PeeringDB name already states its AS: "AS3257", "AS 3257" or "AS-3257" as a word of its
 * own (any case, "AS250.net" too), or the bare number standing alone between spaces, brackets,
 * dashes, commas or slashes ("AT&T US - 7018", "Charter Communications (7843)"). Digits inside a
 * longer number or a word ("Net32570", "AS32570") do not count.
 */
export function nameHoldsAsn(name: string, asn: number): boolean {
  const n = String(asn);
  const prefixed = new RegExp(`(?<![A-Za-z0-9])AS[ -]?${n}(?![0-9])`, 'i');
  const bare = new RegExp(`(?:^|[\\s([/,-])${n}(?=$|[\\s)\\]/,-])`);
  return prefixed.test(name) || bare.test(name);
}

/** "GTT Communications (AS3257)": the name with its AS, added only when the name does not hold it already. */
export function nameAndAsn(name: string, asn: number): string {
  if (name === '') return `AS${asn}`;
  return nameHoldsAsn(name, asn) ? name : `${name} (AS${asn})`;
}

/**
 * Whether a user's name is a person's, fit to sign a letter: not empty, not an email address (what a
 * missing user falls back to), not the bootstrap admin's default name.
 */
export function isPersonName(name: string): boolean {
  const trimmed = name.trim();
  return trimmed !== '' && !trimmed.includes('@') && trimmed !== BOOTSTRAP_ADMIN_NAME;
}

export function templateContext(input: ComposeInput): TemplateContext {
  // Without a company name in the settings, our PeeringDB name, else our AS, so no line starts "(AS...".
  const company = input.companyName.trim() || input.ourNetwork?.name || `AS${input.sourceAsn}`;
  const sender = input.senderName.trim();
  return {
    values: {
      company_name: company,
      company_name_and_asn: nameAndAsn(company, input.sourceAsn),
      peer_name_and_asn: nameAndAsn(input.peer.name, input.peer.asn),
      signature: isPersonName(sender) ? `${sender}, ${company}` : company,
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
