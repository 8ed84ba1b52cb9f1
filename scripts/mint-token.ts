import { parseCli, usageError } from './lib/cli';
import { openLocalTable } from './lib/local-table';

/**
 * `npm run token -- --email <user>`: a bearer token for an existing, enabled user of the local
 * deployment, signed with its local key, without the user's password (for scripts and curl).
 */
const USAGE = `usage: npm run token -- --email <user's email>

Prints a bearer token (the same as POST /users/post_login gives) for a user of the local data on
DDB_PORT (default 8000), started on DATA_DIR (default .data) when none is running.`;
const values = parseCli(USAGE, { email: { type: 'string' } });
if (!values.email) usageError(USAGE, '--email is required');

const table = await openLocalTable();
let exitCode = 0;
try {
  // Imported only now: these modules read the configuration the table set.
  const { issueTokenFor } = await import('../shared/users');
  const issued = await issueTokenFor(values.email);
  console.log(issued.token);
  console.error(`${issued.user.email} (${issued.user.role}), valid until ${issued.expires_at}`);
} catch (err) {
  console.error(`no token: ${(err as Error).message}`);
  exitCode = 1;
} finally {
  await table.stop();
}
process.exit(exitCode);
