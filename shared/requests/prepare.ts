import type { Caller } from '../platform/auth/caller';
import { NotFoundError, ValidationError } from '../platform/errors';
import { requestsRepository } from './requests-store';
import { usersRepository } from '../users';
import type { Contact, Network } from '../peeringdb';
import type { Settings } from '../settings';
import type { StoredContact } from '../exchanges';
import type { PeerState } from '../peers';
import { type CommonExchange, commonExchanges, isPlainAddress } from './common-exchanges';
import type { RequestDeps } from './dependencies';

/** A TransactWrite holds 100 items; a request writes three per exchange plus two. */
export const MAX_EXCHANGES_PER_REQUEST = 30;

export interface Sender {
  fromAddress: string;
  replyTo: string[];
  cc: string[];
  bcc: string[];
  sourceAsn: number;
}

/** The settings a send needs, checked: a deployment that has not set them gets a 422 that says which. */
export function senderFromSettings(settings: Settings): Sender {
  const problems: { path: string; message: string }[] = [];
  if (!isPlainAddress(settings.email_from)) {
    problems.push({ path: 'settings.email_from', message: 'set a valid sending address in the settings' });
  }
  if (settings.source_asn === null) {
    problems.push({ path: 'settings.source_asn', message: 'set our ASN in the settings' });
  }
  const checkList = (field: 'email_cc' | 'email_bcc') =>
    settings[field].forEach((address, i) => {
      if (!isPlainAddress(address))
        problems.push({ path: `settings.${field}.${i}`, message: 'not a valid address' });
    });
  checkList('email_cc');
  checkList('email_bcc');
  if (settings.email_reply_to && !isPlainAddress(settings.email_reply_to)) {
    problems.push({ path: 'settings.email_reply_to', message: 'not a valid address' });
  }
  if (problems.length > 0 || settings.source_asn === null) {
    throw new ValidationError('The settings are not complete enough to send email', problems);
  }
  return {
    fromAddress: settings.email_from,
    replyTo: settings.email_reply_to ? [settings.email_reply_to] : [],
    cc: settings.email_cc,
    bcc: settings.email_bcc,
    sourceAsn: settings.source_asn,
  };
}

export interface PeerContext {
  peer: Network;
  contacts: Contact[];
  /** The addresses the operator stored for the peer. */
  stored: StoredContact[];
  exchanges: CommonExchange[];
  /** The contact a coordinator chose for this peer (PATCH on the peer), if any. */
  preferredContactId: number | undefined;
  /** Our state of the peer at each exchange that has one (its override, its chosen contact). */
  states: Map<number, PeerState>;
}

/**
 * The peer, its contacts and the exchanges a send is about: the ones named (each must be common to
 * both sides), else every common exchange.
 */
export async function peerContext(
  deps: RequestDeps,
  settings: Settings,
  peerId: number,
  publicIds: number[] | undefined,
): Promise<PeerContext> {
  const peer = await deps.peeringDb.getNetwork(peerId);
  if (!peer) throw new NotFoundError(`No network with participant id ${peerId}`);
  if (settings.source_asn !== null && peer.asn === settings.source_asn) {
    throw new ValidationError('That network is our own', [
      { path: 'body.peer_participant_id', message: 'our own network' },
    ]);
  }
  const [contacts, stored, presences, own] = await Promise.all([
    deps.peeringDb.getNetworkContacts(peerId),
    deps.storedContacts(peerId),
    deps.peeringDb.getNetworkPresences(peerId),
    deps.ownAddresses(),
  ]);
  const common = commonExchanges(own, presences);
  let exchanges = common;
  if (publicIds !== undefined) {
    const wanted = new Set(publicIds);
    exchanges = common.filter((x) => wanted.has(x.public_id));
    const missing = [...wanted].filter((id) => !exchanges.some((x) => x.public_id === id));
    if (missing.length > 0) {
      throw new ValidationError('Not every exchange is common to both networks', [
        { path: 'body.public_ids', message: `no common presence at ${missing.join(', ')}` },
      ]);
    }
  }
  if (exchanges.length === 0) {
    throw new ValidationError('There is no exchange where both networks are present', [
      { path: 'body.peer_participant_id', message: 'no common exchange' },
    ]);
  }
  if (exchanges.length > MAX_EXCHANGES_PER_REQUEST) {
    throw new ValidationError('Too many exchanges for one request', [
      { path: 'body.public_ids', message: `name at most ${MAX_EXCHANGES_PER_REQUEST} exchanges` },
    ]);
  }
  const states = await requestsRepository.peerStates(
    exchanges.map((x) => x.public_id),
    peerId,
  );
  // Exchanges are in id order: the first exchange with a choice decides.
  const preferredContactId = exchanges
    .map((x) => states.get(x.public_id)?.preferred_contact_id ?? undefined)
    .find((id) => id !== undefined);
  return { peer, contacts, stored, exchanges, preferredContactId, states };
}

export async function senderName(caller: Caller): Promise<string> {
  const user = await usersRepository.get(caller.userId);
  return user?.name ?? caller.email;
}
