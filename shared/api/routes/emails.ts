import * as z from 'zod';
import { route } from '../contract';
import { EmailAddress, idParam, singleLine, Timestamp } from '../schemas';

export const SentEmailSchema = z
  .object({
    peer_participant_id: z.number().int(),
    public_ids: z.array(z.number().int()),
    email_from: z.string(),
    email_to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string(),
    ses_message_id: z.string(),
    sent: Timestamp,
  })
  .meta({ id: 'SentEmail' });

export const sendEmailRoute = route({
  operationId: 'sendEmail',
  method: 'POST',
  path: '/emails',
  role: 'operator',
  tag: 'requests',
  summary:
    "A free-form email to a peer's PeeringDB contacts (default: its Policy, else Technical, else NOC contact), " +
    'logged on the peer; 502 when SES refused it',
  body: z
    .object({
      peer_participant_id: idParam,
      public_ids: z.array(idParam).min(1).max(30).optional(),
      to: z.array(EmailAddress).min(1).max(10).optional(),
      subject: singleLine(300).min(1),
      text: z.string().min(1).max(100_000),
      html: z.string().min(1).max(200_000).nullable().optional(),
    })
    .strict(),
  response: SentEmailSchema,
  successStatus: 201,
  handler: 'functions/http/emails/send-email.ts',
  access: { table: 'read-write', email: true },
  errors: [404, 429, 502],
});

export const emailsRoutes = [sendEmailRoute];
