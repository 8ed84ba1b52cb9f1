import type { Caller } from '../platform/auth/caller';
import { ConflictError, NotFoundError } from '../platform/errors';
import { refreshPeerRows, requestStatusItem } from '../peers';
import { peerLogItem } from '../peer-log';
import {
  RequestChangedError,
  type RequestFilter,
  requestsRepository,
  type StoredRequest,
} from './requests-store';
import { checkNotPending, claimPeer, deliver, takeSendToken } from './delivery';
import type { RequestDeps } from './dependencies';
import { guardAfter, outcomeItems, outgoingOf, peersOf } from './send-request';
import { canMove, isRepeat, REQUEST_TRANSITIONS, type RequestState } from './status-machine';

export async function getRequest(id: string): Promise<StoredRequest> {
  const request = await requestsRepository.get(id);
  if (!request) throw new NotFoundError(`No request ${id}`);
  return request;
}

/** Dates are compared as stored (ISO-8601 UTC with milliseconds), so the bounds are written the same way. */
export function listRequests(filter: RequestFilter) {
  const iso = (value: string | undefined) =>
    value === undefined ? undefined : new Date(value).toISOString();
  return requestsRepository.list({ ...filter, since: iso(filter.since), until: iso(filter.until) });
}

function refuseMove(request: StoredRequest, to: RequestState): never {
  const allowed = REQUEST_TRANSITIONS[request.status];
  const hint =
    to === 'sent' && request.status === 'failed' ? '; retry it with POST /requests/{id}/retry' : '';
  throw new ConflictError(
    `${/^[aeiou]/.test(request.status) ? 'An' : 'A'} ${request.status} request cannot become ${to}` +
      (allowed.length > 0 ? ` (it may become ${allowed.join(' or ')})` : ' (it is final)') +
      hint,
  );
}

/** Records the peer's answer: the request, the peer's status and log at each exchange, together. */
export async function answerRequest(
  id: string,
  change: { status: RequestState; note?: string | undefined },
  caller: Caller,
  now = new Date(),
): Promise<StoredRequest> {
  const current = await getRequest(id);
  // The same answer again changes nothing: no write, no log entry, no mail; the request as it stands.
  if (isRepeat(current.status, change.status)) return current;
  if (change.status === 'sent' || !canMove(current.status, change.status)) refuseMove(current, change.status);
  const time = now.toISOString();
  const next: StoredRequest = {
    ...current,
    status: change.status,
    note: change.note ?? current.note,
    modified: time,
  };
  const message = `Request ${change.status}${change.note ? `: ${change.note}` : ''}`;
  const items = current.public_ids.flatMap((publicId) => [
    requestStatusItem(
      { publicId, participantId: current.peer_participant_id, name: current.peer_name },
      change.status,
      time,
    ),
    peerLogItem(
      {
        public_id: publicId,
        participant_id: current.peer_participant_id,
        message,
        user: caller.email,
        request_id: id,
        request_number: current.number,
      },
      time,
    ),
  ]);
  try {
    await requestsRepository.update(next, current.status, items);
  } catch (err) {
    if (err instanceof RequestChangedError)
      throw new ConflictError('The request changed meanwhile; read it again');
    throw err;
  }
  await refreshPeerRows(peersOf(next));
  return next;
}

/** Sends a failed request again, as stored; it becomes `sent` only if SES accepts it this time. */
export async function retryRequest(id: string, caller: Caller, deps: RequestDeps): Promise<StoredRequest> {
  const current = await getRequest(id);
  if (!canMove(current.status, 'sent')) refuseMove(current, 'sent');
  const settings = await deps.settings();
  const now = deps.now();
  const seen = await checkNotPending(current.peer_participant_id, now, false);
  await takeSendToken(settings.send_rate_per_second, now);
  const claimed = await claimPeer(current.peer_participant_id, seen, now);
  const delivery = await deliver(deps.sender, outgoingOf(current));
  const done = deps.now().toISOString();
  const next: StoredRequest = delivery.ok
    ? {
        ...current,
        status: 'sent',
        ses_message_id: delivery.messageId,
        error: null,
        modified: done,
        user: caller.email,
      }
    : { ...current, error: delivery.error, modified: done };
  const message = delivery.ok
    ? `Request sent to ${current.email_to} on retry`
    : `Retry of the request to ${current.email_to} failed: ${delivery.error}`;
  try {
    await requestsRepository.saveAfterSend(
      next,
      guardAfter(claimed, next, now, settings.resend_window_days),
      outcomeItems({ ...next, user: caller.email }, message, done),
      'failed',
    );
  } catch (err) {
    if (err instanceof RequestChangedError)
      throw new ConflictError('The request changed meanwhile; read it again');
    throw err;
  }
  await refreshPeerRows(peersOf(next));
  return next;
}
