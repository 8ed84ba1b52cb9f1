import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { config } from '../config';
import { logger } from '../logger';
import { EmailSendError, type EmailSender, type OutgoingEmail } from './email-port';

let client: SESClient | undefined;

function ses(): SESClient {
  if (!client) {
    const { SES_ENDPOINT, AWS_REGION } = config();
    client = new SESClient({
      region: AWS_REGION,
      // The local endpoint wants a signed request but accepts any credentials.
      ...(SES_ENDPOINT
        ? { endpoint: SES_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 3,
    });
  }
  return client;
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
      // The SES error name and message say why (unverified address, throttling, quota); nothing of ours.
      throw new EmailSendError(
        `${e.name ?? 'Error'}: ${e.message ?? 'the mail service refused the message'}`,
      );
    }
  },
};
