import type { MemberRef } from '../peeringdb';
import { peerStateRepository } from './peer-state-store';

/** What a PeeringDB sync owes our state of the peers: a renamed network's state moves with it. */
export function peerMemberMoved(member: MemberRef): Promise<void> {
  return peerStateRepository.reorder(member);
}
