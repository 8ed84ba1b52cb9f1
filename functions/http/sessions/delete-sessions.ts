import { deleteSessionsRoute, deleteSessions } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteSessionsRoute, async ({ query, caller, audit }) => {
  const { dry_run, ...filter } = query;
  const result = await deleteSessions(filter, dry_run ?? false, caller);
  audit('sessions', dry_run ? `dry run: ${result.data.length} would go` : `${result.deleted} deleted`);
  return result;
});
