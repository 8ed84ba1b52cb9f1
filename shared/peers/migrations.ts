import { getNetworks, peeringDb, loadStoredIndex } from '../peeringdb';
import type { Migration } from '../platform/storage/migrations';
import { peerStateRepository } from './peer-state-store';
import { buildPeerRows } from './peer-rows';

/** The migrations of our state of the peers, oldest first. */
export const PEER_MIGRATIONS: Migration[] = [
  {
    // Peer states from before they were listed in member order (gsi3): a page of peers reads the
    // state of its own members through that listing, so a state missing from it would look untouched.
    name: 'peer-state-member-order',
    async run() {
      let changed = 0;
      for (const publicId of (await loadStoredIndex('ix')).keys()) {
        const unordered = await peerStateRepository.unordered(publicId);
        if (unordered.length === 0) continue;
        const networks = await getNetworks(unordered);
        for (const participantId of unordered) {
          const member = await peeringDb.getExchangeMember(publicId, participantId);
          const name = member?.network.name ?? networks.get(participantId)?.name;
          if (name === undefined) continue; // a network PeeringDB no longer has: it lists nowhere
          await peerStateRepository.reorder({ publicId, participantId, name });
          changed += 1;
        }
      }
      return changed;
    },
  },
  {
    // The peer rows a filtered list reads (`peer-rows.ts`), built for every exchange stored before
    // them. An exchange left unbuilt (a deploy that ran out of time) is listed from its members
    // until the build after the next sync.
    name: 'peer-rows',
    async run() {
      const built = await buildPeerRows();
      return built.written;
    },
  },
];
