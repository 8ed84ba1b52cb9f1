import type { StoredRequest } from './requests-store';

export type RequestState = StoredRequest['status'];

/**
 * Every move a request may make, in one place. `failed -> sent` happens only through a retry that
 * SES accepted; `sent -> accepted | rejected` records the peer's answer. Asking for the status a
 * request already has is no move at all (see `isRepeat`); anything else is a 409.
 */
export const REQUEST_TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  failed: ['sent'],
  sent: ['accepted', 'rejected'],
  accepted: [],
  rejected: [],
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return REQUEST_TRANSITIONS[from].includes(to);
}

/** A request asked for the status it already has: a double click or a client retrying, answered as done. */
export function isRepeat(from: RequestState, to: RequestState): boolean {
  return from === to;
}
