import type { Migration } from '../platform/storage/migrations';
import { indexConfigRevisionsById } from './config-revisions-store';

/** The migrations of sessions and their config revisions, oldest first. */
export const SESSION_MIGRATIONS: Migration[] = [
  {
    // Revisions from before a diff could name them by id alone (gsi1).
    name: 'config-revisions-by-id',
    run: indexConfigRevisionsById,
  },
];
