import { refreshPeersOfSessions } from '../../../shared/peers';
import { deleteSessions } from '../../../shared/sessions';
import { deleteSessionsFromRouters, deleteSessionsRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteSessionsRoute, async ({ query, caller, audit }) => {
  const { dry_run, deploy, ...filter } = query;
  if (deploy && !dry_run) {
    const result = await deleteSessionsFromRouters(filter, caller);
    audit('sessions', `${result.deleted} deleted through ${result.deployments.length} deployment(s)`, {
      ids: result.data.map((s) => s.id),
    });
    return result;
  }
  const result = await deleteSessions(filter, dry_run ?? false, caller);
  if (!dry_run) await refreshPeersOfSessions(result.data);
  if (dry_run) audit('sessions', `dry run: ${result.data.length} would go`);
  else audit('sessions', `${result.deleted} deleted`, { ids: result.data.map((s) => s.id) });
  return { ...result, deployments: [] };
});
