import type { Migration } from '../platform/storage/migrations';
import { indexConfigRevisionsById } from './config-revisions-store';
import { sessionsRepository } from './sessions-store';

/** The migrations of sessions and their config revisions, oldest first; never renamed or reordered. */
export const SESSION_MIGRATIONS: Migration[] = [
  {
    // Revisions from before a diff could name them by id alone (gsi1).
    name: 'config-revisions-by-id',
    run: indexConfigRevisionsById,
  },
  {
    // Sessions stored before they had numbers (the v1 API's integer ids) get theirs, in creation order.
    name: 'session-numbers',
    run: () => sessionsRepository.numberUnnumbered(),
  },
];
