import * as z from '../platform/zod';

/**
 * The words the areas share, each defined once: the enumerations the API shows and the table stores.
 * An area that needs one imports it from here (through the kernel's index), never from another
 * area's store.
 */

/** Where a peering request stands: sent, then answered, or failed when the mail service refused it. */
export const REQUEST_STATUSES = ['sent', 'accepted', 'rejected', 'failed'] as const;
export const RequestStatusSchema = z.enum(REQUEST_STATUSES);
export type RequestStatus = z.infer<typeof RequestStatusSchema>;

/** A peer's request status at an exchange: that of its last request, or `none` before any. */
export const PEER_REQUEST_STATUSES = ['none', ...REQUEST_STATUSES] as const;
export const PeerRequestStatusSchema = z.enum(PEER_REQUEST_STATUSES);
export type PeerRequestStatus = z.infer<typeof PeerRequestStatusSchema>;

/** A BGP session's state as peerflow knows it. */
export const SESSION_STATES = ['not configured', 'configured', 'established', 'down'] as const;
export const SessionStateSchema = z.enum(SESSION_STATES);
export type SessionState = z.infer<typeof SessionStateSchema>;

/** The states in which a session makes its peer one of ours (`is_peer`). */
export const PEERING_SESSION_STATES = [
  'configured',
  'established',
] as const satisfies readonly SessionState[];

/** The address family of a session or an address. */
export const IP_TYPES = ['ipv4', 'ipv6'] as const;
export const IpTypeSchema = z.enum(IP_TYPES);
export type IpType = z.infer<typeof IpTypeSchema>;

/**
 * A session's BGP state as its router last reported it (RFC 4271's states and an administrative
 * shutdown), or `unknown` when the last poll could not read it (the router unreachable, its answer
 * unreadable).
 */
export const POLLED_STATES = [
  'idle',
  'connect',
  'active',
  'opensent',
  'openconfirm',
  'established',
  'admin_down',
  'unknown',
] as const;
export const PolledStateSchema = z.enum(POLLED_STATES);
export type PolledState = z.infer<typeof PolledStateSchema>;
