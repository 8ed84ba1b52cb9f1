import * as z from '../platform/zod';
import { route } from '../platform/http/contract';
import { EmailAddress, idParam, singleLine, Timestamp } from '../platform/http/schemas';

export const SentEmailSchema = z
  .object({
    peer_participant_id: z.int(),
    public_ids: z.array(z.int()),
    email_from: z.string(),
    email_to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string(),
    ses_message_id: z.string(),
    sent: Timestamp,
  })
  .check(z.meta({ id: 'SentEmail' }));

export const sendEmailRoute = route({
  operationId: 'sendEmail',
  method: 'POST',
  path: '/emails',
  role: 'operator',
  tag: 'requests',
  summary:
    "A free-form email to a peer's PeeringDB contacts (default: its Policy, else Technical, else NOC contact), " +
    'logged on the peer; 502 when SES refused it',
  body: z.strictObject({
    peer_participant_id: idParam,
    public_ids: z.optional(z.array(idParam).check(z.minLength(1), z.maxLength(30))),
    to: z.optional(z.array(EmailAddress).check(z.minLength(1), z.maxLength(10))),
    subject: singleLine(300).check(z.minLength(1)),
    text: z.string().check(z.minLength(1), z.maxLength(100_000)),
    html: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(200_000)))),
  }),
  response: SentEmailSchema,
  successStatus: 201,
  handler: 'functions/http/emails/send-email.ts',
  idempotent: true,
  access: { table: 'read-write', email: true },
  errors: [404, 429, 502],
});

export const emailsRoutes = [sendEmailRoute];
