import { auditRoute } from '../../../shared/system';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';
import { auditRepository } from '../../../shared/platform/audit/audit-store';

export const handler = defineAction(
  auditRoute,
  async ({ query }) =>
    auditRepository.list({
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.user_id ? { userId: query.user_id } : {}),
      ...(query.since ? { since: query.since } : {}),
      ...(query.until ? { until: query.until } : {}),
    }),
  { cursors: cursorSealer },
);
