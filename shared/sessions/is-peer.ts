import { PEERING_SESSION_STATES } from '../kernel';

/**
 * The one rule for `is_peer`: a network is our peer at an exchange when a BGP session with it there
 * is configured or up. Every view that shows `is_peer` goes through this function.
 */

export function isPeeringState(state: string): boolean {
  return (PEERING_SESSION_STATES as readonly string[]).includes(state);
}

export function isPeer(sessionStates: readonly string[]): boolean {
  return sessionStates.some(isPeeringState);
}
