import type { Caller } from '../platform/auth/caller';
import type { OutgoingEmail } from '../platform/email/email-port';
import { DEFAULT_REQUEST_TEMPLATE } from './peering-templates';
import { NotFoundError, ValidationError } from '../platform/errors';
import { refreshPeerRows, requestStatusItem } from '../peers';
import { peerLogItem } from '../peer-log';
import type { TransactItem } from '../platform/storage/items';
import { type RequestGuard, requestsRepository, type StoredRequest } from './requests-store';
import { compileContent, getTemplate } from './templates';
import { composeEmail, templateContext } from './compose';
import { checkNotPending, claimPeer, deliver, takeSendToken } from './delivery';
import type { RequestDeps } from './dependencies';
import { peerContext, senderFromSettings, senderName } from './prepare';
import { outsideNote, outsideRecipients, recipientChoice } from './recipients';
import { NotQualifiedError, requestQualification, type RequestQualification } from './qualification';

export interface SendRequestInput {
  peer_participant_id: number;
  public_ids?: number[];
  template?: string;
  email_to?: string;
  /** A subject and text the sender wrote, replacing the template's (the v1 API's sendRequest sends its own). */
  subject?: string;
  body?: string;
  dry_run: boolean;
  force: boolean;
}

export interface DryRun {
  dry_run: true;
  public_ids: number[];
  template: string;
  email_from: string;
  reply_to: string[];
  email_to: string;
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
  html_body: string | null;
  qualification: RequestQualification;
  recipient_role: string;
  recipient_note: string | null;
}

/** What a send answers: the request as stored, with the verdict it was sent under and who it went to. */
export type SentRequest = StoredRequest & Pick<DryRun, 'qualification' | 'recipient_role' | 'recipient_note'>;

const DAY_MS = 86_400_000;

/** The peer state and log items of a send outcome, one pair per exchange of the request. */
export function outcomeItems(request: StoredRequest, message: string, time: string): TransactItem[] {
  const status = request.status === 'failed' ? 'failed' : 'sent';
  return request.public_ids.flatMap((publicId) => [
    requestStatusItem(
      { publicId, participantId: request.peer_participant_id, name: request.peer_name },
      status,
      time,
    ),
    peerLogItem(
      {
        public_id: publicId,
        participant_id: request.peer_participant_id,
        message,
        user: request.user,
        request_id: request.id,
        request_number: request.number,
      },
      time,
    ),
  ]);
}

/** The peer at each exchange of a request: whose rows its status shows in. */
export function peersOf(request: StoredRequest): { publicId: number; participantId: number }[] {
  return request.public_ids.map((publicId) => ({ publicId, participantId: request.peer_participant_id }));
}

/** The guard after a send: a sent request becomes the pending one; a failed send leaves it as it was. */
export function guardAfter(
  claimed: RequestGuard,
  request: StoredRequest,
  now: Date,
  windowDays: number,
): RequestGuard {
  if (request.status !== 'sent') return claimed;
  return {
    ...claimed,
    request_id: request.id,
    pending_until: new Date(now.getTime() + windowDays * DAY_MS).toISOString(),
  };
}

export function outgoingOf(request: StoredRequest): OutgoingEmail {
  return {
    from: request.email_from,
    replyTo: request.reply_to,
    to: [request.email_to],
    cc: request.cc,
    bcc: request.bcc,
    subject: request.subject,
    text: request.body,
    html: request.html_body,
  };
}

/**
 * sendRequest. Order matters: everything that can refuse the request (input, settings, contact,
 * pending request, rate) is checked before SES is called, and the request is written only after SES
 * answered, so nothing says `sent` that SES did not accept. If the process dies between SES's answer
 * and the write, the email is out but no request is stored; the peer's guard lease lapses after a
 * minute and the SES configuration set's event stream still records the message.
 */
export async function sendRequest(
  input: SendRequestInput,
  caller: Caller,
  deps: RequestDeps,
  /** Told when an admin sends to an address outside the peer's contacts, for the audit entry. */
  noteOutside: (note: string) => void = () => undefined,
): Promise<SentRequest | DryRun> {
  const settings = await deps.settings();
  const from = senderFromSettings(settings);
  const ctx = await peerContext(deps, settings, input.peer_participant_id, input.public_ids);
  const outside = input.email_to ? outsideRecipients([input.email_to], ctx, caller, 'body.email_to') : [];
  const choice = recipientChoice(ctx, input.email_to);
  if (!choice) {
    throw new ValidationError(
      `${ctx.peer.name} has no Policy, Technical or NOC contact with an email address`,
      [
        {
          path: 'body.email_to',
          message:
            'the peer has no contact to send to; store one with PUT /networks/{participant_id}/contacts',
        },
      ],
    );
  }
  const recipient = choice.email;
  const outsideText = outside.length > 0 ? ` (${outsideNote(outside)})` : '';
  if (outside.length > 0) noteOutside(outsideNote(outside));
  const templateName = input.template ?? DEFAULT_REQUEST_TEMPLATE;
  const template = await getTemplate(templateName).catch((err) => {
    if (err instanceof NotFoundError) {
      throw new ValidationError('Unknown template', [
        { path: 'body.template', message: `no template ${templateName}` },
      ]);
    }
    throw err;
  });
  const [ourNetwork, qualification] = await Promise.all([
    settings.source_participant_id !== null
      ? deps.peeringDb.getNetwork(settings.source_participant_id)
      : undefined,
    requestQualification(deps, settings, ctx),
  ]);
  const rendered = composeEmail(
    compileContent(template, 'template'),
    templateContext({
      companyName: settings.company_name,
      sourceAsn: from.sourceAsn,
      sourceParticipantId: settings.source_participant_id,
      irrAsSet: settings.irr_as_set,
      emailFrom: from.fromAddress,
      ourNetwork,
      peer: ctx.peer,
      exchanges: ctx.exchanges,
      senderName: await senderName(caller),
      senderEmail: caller.email,
    }),
  );
  const email = {
    subject: input.subject ?? rendered.subject,
    text: input.body ?? rendered.text,
    // A text the sender wrote has no HTML counterpart: the template's HTML would say something else.
    html: input.body !== undefined ? null : rendered.html,
  };
  const publicIds = ctx.exchanges.map((x) => x.public_id);
  const envelope = {
    email_from: from.fromAddress,
    reply_to: from.replyTo,
    email_to: recipient,
    cc: from.cc,
    bcc: from.bcc,
    subject: email.subject,
    body: email.text,
    html_body: email.html,
  };
  const verdict = { qualification, recipient_role: choice.role, recipient_note: choice.note };
  // A dry run shows the verdict and never refuses on it: it is how a coordinator sees what force would send.
  if (input.dry_run)
    return { dry_run: true, public_ids: publicIds, template: templateName, ...envelope, ...verdict };
  if (!qualification.qualified && !input.force) throw new NotQualifiedError(ctx, qualification);

  const now = deps.now();
  const seen = await checkNotPending(ctx.peer.id, now, input.force);
  await takeSendToken(settings.send_rate_per_second, now);
  const claimed = await claimPeer(ctx.peer.id, seen, now);
  const base: StoredRequest = {
    id: crypto.randomUUID(),
    number: await requestsRepository.nextNumber(),
    public_ids: publicIds,
    source_participant_id: settings.source_participant_id,
    source_asn: from.sourceAsn,
    peer_participant_id: ctx.peer.id,
    peer_asn: ctx.peer.asn,
    peer_name: ctx.peer.name,
    template: templateName,
    email_type: email.html ? 'html' : 'text',
    ...envelope,
    status: 'failed',
    ses_message_id: null,
    error: null,
    note: null,
    created: now.toISOString(),
    modified: now.toISOString(),
    user: caller.email,
  };
  const delivery = await deliver(deps.sender, outgoingOf(base));
  const done = deps.now().toISOString();
  const request: StoredRequest = delivery.ok
    ? { ...base, status: 'sent', ses_message_id: delivery.messageId, modified: done }
    : { ...base, error: delivery.error, modified: done };
  const message = delivery.ok
    ? `Request sent to ${recipient}${outsideText}`
    : `Request to ${recipient}${outsideText} failed: ${delivery.error}`;
  await requestsRepository.saveAfterSend(
    request,
    guardAfter(claimed, request, now, settings.resend_window_days),
    outcomeItems(request, message, done),
  );
  await refreshPeerRows(peersOf(request));
  return { ...request, ...verdict };
}
