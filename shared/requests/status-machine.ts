import type { StoredRequest } from './requests-store';

export type RequestState = StoredRequest['status'];

/**
 * Every move a request may make, in one place. `failed -> sent` happens only through a retry that
 * SES accepted; `sent -> accepted | rejected` records the peer's answer. Anything else is a 409.
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
