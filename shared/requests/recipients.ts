import type { Caller } from '../platform/auth/caller';
import { DomainError } from '../platform/errors';
import { contactRoleRank, orderContacts } from '../peeringdb';
import type { StoredContact } from '../exchanges';
import { isPlainAddress, requestRecipient } from './common-exchanges';
import type { PeerContext } from './prepare';

/** The rule against using the company's sender as a relay, named in every refusal. */
export const RECIPIENT_RULE =
  "Requests and mail go only to the peer's PeeringDB contacts or to an address stored for the peer " +
  '(PUT /networks/{participant_id}/contacts); any other address needs an admin';

/** An operator named an address that is not the peer's: nothing is sent or stored. */
export class RecipientNotAllowedError extends DomainError {
  constructor(path: string, peerName: string, addresses: readonly string[]) {
    super('forbidden', 'recipient_not_allowed', RECIPIENT_RULE, {
      details: [{ path, message: `not a contact of ${peerName}: ${addresses.join(', ')}` }],
    });
  }
}

const normal = (address: string) => address.trim().toLowerCase();

/**
 * Which of the addresses a caller named are outside the peer's contacts (PeeringDB's and the stored
 * ones). An admin may write to them, and the caller records that it did; anyone else is refused.
 */
export function outsideRecipients(
  named: readonly string[],
  ctx: PeerContext,
  caller: Caller,
  path: string,
): string[] {
  const known = new Set(
    [
      ...ctx.contacts.map((c) => c.email.trim()).filter(isPlainAddress),
      ...ctx.stored.map((c) => c.email),
    ].map(normal),
  );
  const outside = named.filter((address) => !known.has(normal(address)));
  if (outside.length > 0 && caller.role !== 'admin') {
    throw new RecipientNotAllowedError(path, ctx.peer.name, outside);
  }
  return outside;
}

function storedRecipient(stored: readonly StoredContact[]): StoredContact | undefined {
  return [...stored].sort((a, b) => contactRoleRank(a.role) - contactRoleRank(b.role))[0];
}

/**
 * Where a request or mail goes when the caller names no one: the PeeringDB contact (the chosen one,
 * else Policy, Technical, NOC), else the first stored address in that role order.
 */
export function defaultRecipient(ctx: PeerContext): string | undefined {
  return requestRecipient(ctx.contacts, ctx.preferredContactId)?.email ?? storedRecipient(ctx.stored)?.email;
}

/** What the peer log and the audit say of a send to addresses outside the peer's contacts. */
export function outsideNote(outside: readonly string[]): string {
  return `${outside.join(', ')} outside the peer's contacts, sent by an admin`;
}

/** Who a request goes to: a PeeringDB contact role, an address the operator stored, or one an admin named. */
export interface RecipientChoice {
  email: string;
  /** The PeeringDB contact's role (Policy, Technical, NOC...), `operator-stored` or `named`. */
  role: string;
  /** Said when the peer has no Policy contact to write to, so the mail goes elsewhere. */
  note: string | null;
}

function roleOf(address: string, ctx: PeerContext): string {
  const wanted = normal(address);
  const contact = orderContacts(ctx.contacts).find((c) => normal(c.email) === wanted);
  if (contact) return contact.role;
  return ctx.stored.some((c) => normal(c.email) === wanted) ? 'operator-stored' : 'named';
}

/**
 * The recipient of a request (the address named, else the default one) and the role it holds for the
 * peer, with a note when the peer has no Policy contact with a usable address.
 */
export function recipientChoice(ctx: PeerContext, named: string | undefined): RecipientChoice | undefined {
  const email = named ?? defaultRecipient(ctx);
  if (!email) return undefined;
  const role = roleOf(email, ctx);
  const hasPolicy = ctx.contacts.some(
    (c) => c.role.toLowerCase() === 'policy' && isPlainAddress(c.email.trim()),
  );
  const to =
    role === 'operator-stored'
      ? 'an address we stored'
      : role === 'named'
        ? 'the address named'
        : `the ${role} contact`;
  return {
    email,
    role,
    note: hasPolicy
      ? null
      : `${ctx.peer.name} has no Policy contact with an email address; the request goes to ${to}`,
  };
}
