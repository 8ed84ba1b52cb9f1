import { PEER_MIGRATIONS } from '../peers';
import { REQUEST_MIGRATIONS } from '../requests';
import { ROUTER_MIGRATIONS } from '../routers';
import { SESSION_MIGRATIONS } from '../sessions';
import { type Migration, runMigrations } from '../platform/storage/migrations';

/** Every stored-data migration of the product, oldest first; never renamed or reordered. */
export const MIGRATIONS: readonly Migration[] = [
  ...PEER_MIGRATIONS,
  ...ROUTER_MIGRATIONS,
  ...SESSION_MIGRATIONS,
  ...REQUEST_MIGRATIONS,
];

/** Runs the migrations not recorded as done (by default all of the product's). */
export function runPendingMigrations(
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<{ name: string; changed: number }[]> {
  return runMigrations(migrations);
}
