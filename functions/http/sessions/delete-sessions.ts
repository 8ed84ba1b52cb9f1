import { refreshPeersOfSessions } from '../../../shared/peers';
import { deleteSessionsRoute, deleteSessions } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteSessionsRoute, async ({ query, caller, audit }) => {
  const { dry_run, ...filter } = query;
  const result = await deleteSessions(filter, dry_run ?? false, caller);
  if (!dry_run) await refreshPeersOfSessions(result.data);
  if (dry_run) audit('sessions', `dry run: ${result.data.length} would go`);
  else audit('sessions', `${result.deleted} deleted`, { ids: result.data.map((s) => s.id) });
  return result;
});
