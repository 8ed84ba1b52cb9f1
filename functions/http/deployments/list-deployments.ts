import { listDeployments, listDeploymentsRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';

export const handler = defineAction(
  listDeploymentsRoute,
  async ({ params, query }) => listDeployments(params.id, query.limit, query.cursor),
  { cursors: cursorSealer },
);
