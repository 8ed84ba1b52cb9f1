/** One outgoing email, already rendered and validated. */
export interface OutgoingEmail {
  from: string;
  replyTo: string[];
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html: string | null;
}

/**
 * Why a mail did not go: the mail service `refused` this message (an address it will not send to or
 * from, a message it rejects: sending it again changes nothing), is `busy` (its sending rate or
 * quota: later it may go), or was `unreachable` (no answer in time).
 */
export type EmailFailure = 'refused' | 'busy' | 'unreachable';

/** The mail service refused or failed to take the message; `reason` is safe to store and show. */
export class EmailSendError extends Error {
  constructor(
    readonly reason: string,
    readonly failure: EmailFailure = 'refused',
  ) {
    super(reason);
    this.name = 'EmailSendError';
  }
}

/** The port the domain sends through; SES in AWS, the local SES endpoint locally and in tests. */
export interface EmailSender {
  /** Resolves with the provider's message id once the provider accepted the message. */
  send(mail: OutgoingEmail): Promise<{ messageId: string }>;
}
