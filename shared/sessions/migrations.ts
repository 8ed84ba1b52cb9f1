import type { Migration } from '../platform/storage/migrations';
import { sessionsRepository } from './sessions-store';

/** The migrations of sessions, oldest first. */
export const SESSION_MIGRATIONS: Migration[] = [
  {
    // Sessions stored before they had numbers (the v1 API's integer ids) get theirs, in creation order.
    name: 'session-numbers',
    run: () => sessionsRepository.numberUnnumbered(),
  },
];
