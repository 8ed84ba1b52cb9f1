import type { Migration } from '../platform/storage/migrations';
import { requestsRepository } from './requests-store';

/** The migrations of peering requests, oldest first. */
export const REQUEST_MIGRATIONS: Migration[] = [
  {
    // Peering requests stored before they had numbers (the v1 API's integer ids) get theirs, in creation order.
    name: 'request-numbers',
    run: () => requestsRepository.numberUnnumbered(),
  },
];
