import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { config } from '../config';
import { logger } from '../logger';
import { EmailSendError, type EmailFailure, type EmailSender, type OutgoingEmail } from './email-port';
import { awsRequestTimeouts } from '../aws-timeouts';

let client: SESClient | undefined;

/** The process's SES client, created on first use (tests add their fault-injecting middleware to it). */
export function ses(): SESClient {
  if (!client) {
    const { SES_ENDPOINT, AWS_REGION } = config();
    client = new SESClient({
      region: AWS_REGION,
      // The local endpoint wants a signed request but accepts any credentials.
      ...(SES_ENDPOINT
        ? { endpoint: SES_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 3,
      requestHandler: awsRequestTimeouts(),
    });
  }
  return client;
}

/** Local runtime and tests only: drop the client after its configuration changed. */
export function resetSes(): void {
  client?.destroy();
  client = undefined;
}

const content = (data: string) => ({ Data: data, Charset: 'UTF-8' });

export const sesSender: EmailSender = {
  async send(mail: OutgoingEmail) {
    const configurationSet = config().SES_CONFIGURATION_SET;
    const command = new SendEmailCommand({
      Source: mail.from,
      ReplyToAddresses: mail.replyTo.length > 0 ? mail.replyTo : undefined,
      Destination: {
        ToAddresses: mail.to,
        CcAddresses: mail.cc.length > 0 ? mail.cc : undefined,
        BccAddresses: mail.bcc.length > 0 ? mail.bcc : undefined,
      },
      Message: {
        Subject: content(mail.subject),
        Body: { Text: content(mail.text), ...(mail.html !== null ? { Html: content(mail.html) } : {}) },
      },
      ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
    });
    try {
      const out = await ses().send(command);
      if (!out.MessageId) throw new EmailSendError('SES answered without a message id');
      return { messageId: out.MessageId };
    } catch (err) {
      if (err instanceof EmailSendError) throw err;
      const e = err as { name?: string; message?: string };
      logger.warn('SES send failed', { error_name: e.name, error_message: e.message });
      throw emailSendErrorOf(err);
    }
  },
};

const BUSY = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'LimitExceededException',
]);
const REFUSALS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'AccountSendingPausedException',
]);

/**
 * What a failed SES call means for the sender, in words fit to store and show: SES's own message
 * for a refusal (it names the address or identity at fault), never the SDK's error names.
 */
export function emailSendErrorOf(err: unknown): EmailSendError {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = e.name ?? '';
  let failure: EmailFailure = 'unreachable';
  if (BUSY.has(name) || e.$metadata?.httpStatusCode === 429) failure = 'busy';
  else if (REFUSALS.has(name)) failure = 'refused';
  else if (e.$metadata?.httpStatusCode !== undefined && e.$metadata.httpStatusCode < 500) failure = 'refused';
  const reason = {
    busy: 'The mail service is over its sending rate or quota; try again later',
    unreachable: 'The mail service did not answer in time; try again later',
    refused: `The mail service refused the message${e.message ? `: ${safeText(e.message)}` : ''}`,
  }[failure];
  return new EmailSendError(reason, failure);
}

/** SES's message on one line, without anything that reads like an SDK error name. */
function safeText(message: string): string {
  return message
    .replace(/\s+/g, ' ')
    .replace(/\b\w+(?:Exception|Error)\b:?\s*/g, '')
    .slice(0, 300)
    .trim();
}
