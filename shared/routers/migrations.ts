import type { Migration } from '../platform/storage/migrations';
import { routersRepository } from './routers-store';

/** The migrations of routers, oldest first. */
export const ROUTER_MIGRATIONS: Migration[] = [
  {
    // Routers stored before they had numbers (the v1 API's integer ids) get theirs, in creation order.
    name: 'router-numbers',
    run: () => routersRepository.numberUnnumbered(),
  },
];
