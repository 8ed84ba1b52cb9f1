import { getDeployment, getDeploymentRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getDeploymentRoute, async ({ params }) => getDeployment(params.id));
