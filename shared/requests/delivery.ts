import {
  type EmailFailure,
  EmailSendError,
  type EmailSender,
  type OutgoingEmail,
} from '../platform/email/email-port';
import { ConflictError, TooManyRequestsError } from '../platform/errors';
import { logger } from '../platform/logger';
import { GuardTakenError, type RequestGuard, requestsRepository } from './requests-store';
import { sendRateRepository } from './send-rate-store';

/** How long one send may hold a peer's guard; a sender that crashed frees it after this. */
export const GUARD_LEASE_SECONDS = 60;

/**
 * The peer's guard as it stands, refusing (409) when another send holds it, or when a request to
 * the peer is still unanswered inside the resend window and the caller did not force a new one.
 */
export async function checkNotPending(
  peerId: number,
  now: Date,
  force: boolean,
): Promise<RequestGuard | undefined> {
  const guard = await requestsRepository.getGuard(peerId);
  if (!guard) return undefined;
  if (guard.claimed_until > now.toISOString()) {
    throw new ConflictError('A request to this peer is being sent right now; try again in a minute');
  }
  if (!force && guard.request_id && guard.pending_until > now.toISOString()) {
    const pending = await requestsRepository.get(guard.request_id);
    if (pending?.status === 'sent') {
      throw new ConflictError(
        `Request ${pending.id} to this peer, sent ${pending.created}, is still unanswered; ` +
          `send again after ${guard.pending_until} or with force: true`,
      );
    }
  }
  return guard;
}

export async function claimPeer(
  peerId: number,
  seen: RequestGuard | undefined,
  now: Date,
): Promise<RequestGuard> {
  try {
    return await requestsRepository.claimGuard(peerId, seen, now, GUARD_LEASE_SECONDS);
  } catch (err) {
    if (err instanceof GuardTakenError)
      throw new ConflictError('Another request to this peer was sent meanwhile');
    throw err;
  }
}

/** One token of the deployment's send rate, or a 429 that says when to come back. */
export async function takeSendToken(ratePerSecond: number, now: Date): Promise<void> {
  const taken = await sendRateRepository.take(ratePerSecond, now.getTime());
  if (!taken.ok) {
    throw new TooManyRequestsError(
      `The deployment sends at most ${ratePerSecond} email(s) per second; try again later`,
      taken.retryAfterSeconds,
    );
  }
}

export type Delivery = { ok: true; messageId: string } | { ok: false; error: string; failure: EmailFailure };

/** Sends; a refusal or an error becomes a failed delivery with a reason fit to store and show. */
export async function deliver(sender: EmailSender, mail: OutgoingEmail): Promise<Delivery> {
  try {
    const { messageId } = await sender.send(mail);
    return { ok: true, messageId };
  } catch (err) {
    if (err instanceof EmailSendError) return { ok: false, error: err.reason, failure: err.failure };
    logger.error('email send failed unexpectedly', err as Error);
    return { ok: false, error: 'The mail service could not be reached', failure: 'unreachable' };
  }
}
