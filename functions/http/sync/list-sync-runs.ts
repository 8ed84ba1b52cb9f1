import { listSyncRunsRoute, syncRunsRepository, syncRunView } from '../../../shared/peeringdb';
import { roleAllows } from '../../../shared/platform/http/contract';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listSyncRunsRoute,
  async ({ query, caller }) => {
    const page = await syncRunsRepository.list(query.limit, query.cursor);
    const admin = roleAllows(caller.role, 'admin');
    return { ...page, data: page.data.map((run) => syncRunView(run, admin)) };
  },
  { cursors: cursorSealer },
);
