import type { Caller } from '../platform/auth/caller';
import { ServiceUnavailableError, UpstreamError, ValidationError } from '../platform/errors';
import { peerLogItem } from '../peer-log';
import { requestsRepository } from './requests-store';
import { headerSafe } from './compose';
import { deliver, takeSendToken } from './delivery';
import type { RequestDeps } from './dependencies';
import { peerContext, senderFromSettings } from './prepare';
import { defaultRecipient, outsideNote, outsideRecipients } from './recipients';

export interface SendEmailInput {
  peer_participant_id: number;
  public_ids?: number[];
  to?: string[];
  subject: string;
  text: string;
  html?: string | null;
}

export interface SentEmail {
  peer_participant_id: number;
  public_ids: number[];
  email_from: string;
  email_to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  ses_message_id: string;
  sent: string;
}

/** A mail the service could not deliver, with the mail service's reason. */
export class EmailFailedError extends UpstreamError {
  constructor(reason: string, cause?: unknown) {
    super('email_failed', `The email was not sent: ${reason}`, cause);
  }
}

/**
 * sendEmail: free-form mail to a peer's contacts (only theirs, or an address stored for the peer:
 * this is not an open relay; an admin may write elsewhere, and that is logged), logged on the peer
 * at each exchange it concerns, sent or failed.
 */
export async function sendEmail(
  input: SendEmailInput,
  caller: Caller,
  deps: RequestDeps,
  /** Told when an admin writes to addresses outside the peer's contacts, for the audit entry. */
  noteOutside: (note: string) => void = () => undefined,
): Promise<SentEmail> {
  const settings = await deps.settings();
  const from = senderFromSettings(settings);
  const ctx = await peerContext(deps, settings, input.peer_participant_id, input.public_ids);
  const outside = input.to ? outsideRecipients(input.to, ctx, caller, 'body.to') : [];
  const fallback = input.to ? undefined : defaultRecipient(ctx);
  const to = input.to ?? (fallback ? [fallback] : []);
  if (to.length === 0) {
    throw new ValidationError(
      `${ctx.peer.name} has no Policy, Technical or NOC contact with an email address`,
      [{ path: 'body.to', message: 'the peer has no contact to send to' }],
    );
  }
  const outsideText = outside.length > 0 ? ` (${outsideNote(outside)})` : '';
  if (outside.length > 0) noteOutside(outsideNote(outside));
  const subject = headerSafe(input.subject);
  const now = deps.now();
  await takeSendToken(settings.send_rate_per_second, now);
  const delivery = await deliver(deps.sender, {
    from: from.fromAddress,
    replyTo: from.replyTo,
    to,
    cc: from.cc,
    bcc: from.bcc,
    subject,
    text: input.text,
    html: input.html ?? null,
  });
  if (!delivery.ok && delivery.failure !== 'refused') {
    // Nothing happened that the peer's log should keep: the same call may go through in a moment.
    throw new ServiceUnavailableError(`The email was not sent: ${delivery.error}`, {
      retryAfterSeconds: delivery.failure === 'busy' ? 5 : 2,
    });
  }
  const time = deps.now().toISOString();
  const message = delivery.ok
    ? `Email sent to ${to.join(', ')}${outsideText}: ${subject}`
    : `Email to ${to.join(', ')}${outsideText} failed: ${delivery.error}`;
  await requestsRepository.writePeerItems(
    ctx.exchanges.map((x) =>
      peerLogItem({ public_id: x.public_id, participant_id: ctx.peer.id, message, user: caller.email }, time),
    ),
  );
  if (!delivery.ok) throw new EmailFailedError(delivery.error);
  return {
    peer_participant_id: ctx.peer.id,
    public_ids: ctx.exchanges.map((x) => x.public_id),
    email_from: from.fromAddress,
    email_to: to,
    cc: from.cc,
    bcc: from.bcc,
    subject,
    ses_message_id: delivery.messageId,
    sent: time,
  };
}
