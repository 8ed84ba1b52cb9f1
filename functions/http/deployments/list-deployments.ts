import { listDeployments, listDeploymentsRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listDeploymentsRoute, async ({ params, query }) =>
  listDeployments(params.id, query.limit, query.cursor),
);
