import type { SyncHooks } from '../peeringdb';
import { runPendingMigrations } from './migrations';
import { peerStateRepository } from './peer-state-store';

/** What a PeeringDB sync owes our state of the peers. */
export const peerSyncHooks: SyncHooks = {
  async beforeRun() {
    await runPendingMigrations();
  },
  memberMoved: (member) => peerStateRepository.reorder(member),
};
