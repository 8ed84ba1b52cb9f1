import * as z from '../platform/zod';
import { StoredRequestSchema } from './requests-store';
import { RequestStatusSchema } from '../kernel';
import { route } from '../platform/http/contract';
import {
  cursorQuery,
  EmailAddress,
  idParam,
  limitQuery,
  pageOf,
  singleLine,
  ItemNumber,
  Timestamp,
} from '../platform/http/schemas';
import { TemplateName } from './templates-routes';

export const RequestSchema = z
  .extend(StoredRequestSchema, {
    number: ItemNumber,
    email_type: z
      .enum(['text', 'html'])
      .check(z.meta({ description: 'html when the email has an HTML part' })),
    error: z.nullable(z.string()).check(z.meta({ description: 'why SES refused or failed the last send' })),
    user: z.string().check(z.meta({ description: 'email of the user who sent it' })),
    created: Timestamp,
    modified: Timestamp,
  })
  .check(z.meta({ id: 'PeeringRequest' }));

const ExchangeVerdictSchema = z.object({
  public_id: z.int(),
  qualified: z.boolean(),
  reasons: z.array(z.string()),
});

/** The verdict and recipient every send and dry run carries. */
const SendVerdictShape = {
  qualification: z
    .object({
      qualified: z.boolean(),
      reasons: z.array(z.string()),
      exchanges: z.array(ExchangeVerdictSchema),
    })
    .check(
      z.meta({
        id: 'RequestQualification',
        description:
          "the peer's verdict under our rules, as GET /exchanges/{public_id}/peers shows it: qualified only " +
          "at every exchange of the request; the reasons of the exchanges that decide it; each exchange's own",
      }),
    ),
  recipient_role: z.string().check(
    z.meta({
      description:
        "the recipient's PeeringDB contact role (Policy, Technical, NOC...), operator-stored, or named (an admin's own address)",
    }),
  ),
  recipient_note: z
    .nullable(z.string())
    .check(
      z.meta({ description: 'set when the peer has no Policy contact, saying where the mail goes instead' }),
    ),
};

export const SentRequestSchema = z
  .extend(RequestSchema, SendVerdictShape)
  .check(z.meta({ id: 'SentPeeringRequest' }));

export const DryRunSchema = z
  .object({
    dry_run: z.literal(true),
    public_ids: z.array(z.int()),
    // The mail as a real send would store it.
    ...z.pick(StoredRequestSchema, {
      template: true,
      email_from: true,
      reply_to: true,
      email_to: true,
      cc: true,
      bcc: true,
      subject: true,
      body: true,
      html_body: true,
    }).shape,
    ...SendVerdictShape,
  })
  .check(z.meta({ id: 'PeeringRequestDryRun' }));

const PublicIds = z.array(idParam).check(z.minLength(1), z.maxLength(30));
const RequestIdParam = z.object({ id: z.uuid() });

export const sendRequestRoute = route({
  operationId: 'sendRequest',
  method: 'POST',
  path: '/requests',
  role: 'operator',
  tag: 'requests',
  summary:
    'Email a peering request to a peer at common exchanges (201; status failed when SES refused it). ' +
    '`dry_run` renders it without sending (200), with the verdict. A peer our rules disqualify, or a pending ' +
    'request within the resend window, is a 409 unless `force`',
  body: z.strictObject({
    peer_participant_id: idParam,
    public_ids: z.optional(PublicIds),
    template: z.optional(TemplateName),
    email_to: z.optional(EmailAddress),
    subject: z
      .optional(singleLine(300).check(z.minLength(1)))
      .check(z.meta({ description: "replaces the template's subject" })),
    body: z
      .optional(z.string().check(z.minLength(1), z.maxLength(100_000)))
      .check(z.meta({ description: "replaces the template's text" })),
    dry_run: z._default(z.boolean(), false),
    force: z._default(z.boolean(), false),
  }),
  response: z.union([SentRequestSchema, DryRunSchema]),
  successStatus: 201,
  handler: 'functions/http/requests/send-request.ts',
  idempotent: true,
  access: { table: 'read-write', email: true },
  errors: [404, 409, 429],
});

export const listRequestsRoute = route({
  operationId: 'getRequests',
  method: 'GET',
  path: '/requests',
  role: 'viewer',
  tag: 'requests',
  summary: 'Peering requests, newest first',
  query: z.object({
    peer_participant_id: z.optional(idParam),
    public_id: z.optional(idParam),
    status: z.optional(RequestStatusSchema),
    since: z.optional(z.iso.datetime()).check(z.meta({ description: 'created at or after' })),
    until: z.optional(z.iso.datetime()).check(z.meta({ description: 'created at or before' })),
    limit: limitQuery,
    cursor: cursorQuery,
  }),
  response: pageOf(RequestSchema),
  handler: 'functions/http/requests/list-requests.ts',
  access: { table: 'read', cursorKey: true },
});

export const getRequestRoute = route({
  operationId: 'getRequest',
  method: 'GET',
  path: '/requests/{id}',
  role: 'viewer',
  tag: 'requests',
  summary: 'One peering request',
  params: RequestIdParam,
  response: RequestSchema,
  handler: 'functions/http/requests/get-request.ts',
  access: { table: 'read' },
  errors: [404],
});

export const updateRequestRoute = route({
  operationId: 'updateRequest',
  method: 'PATCH',
  path: '/requests/{id}',
  role: 'operator',
  tag: 'requests',
  summary: "Record the peer's answer (sent -> accepted | rejected); any other move is a 409",
  params: RequestIdParam,
  body: z.strictObject({ status: RequestStatusSchema, note: z.optional(singleLine(2000)) }),
  response: RequestSchema,
  handler: 'functions/http/requests/update-request.ts',
  access: { table: 'read-write' },
  errors: [404, 409],
});

export const retryRequestRoute = route({
  operationId: 'retryRequest',
  method: 'POST',
  path: '/requests/{id}/retry',
  role: 'operator',
  tag: 'requests',
  summary: 'Send a failed request again, as stored; it becomes sent only when SES accepts it',
  params: RequestIdParam,
  response: RequestSchema,
  handler: 'functions/http/requests/retry-request.ts',
  idempotent: true,
  access: { table: 'read-write', email: true },
  errors: [404, 409, 429],
});

export const requestsRoutes = [
  sendRequestRoute,
  listRequestsRoute,
  getRequestRoute,
  updateRequestRoute,
  retryRequestRoute,
];
