import { deleteSessionsRoute } from '../../../shared/api/routes/sessions';
import { deleteSessions } from '../../../shared/domain/sessions/sessions';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(deleteSessionsRoute, async ({ query, caller, audit }) => {
  const { dry_run, ...filter } = query;
  const result = await deleteSessions(filter, dry_run ?? false, caller);
  audit('sessions', dry_run ? `dry run: ${result.data.length} would go` : `${result.deleted} deleted`);
  return result;
});
