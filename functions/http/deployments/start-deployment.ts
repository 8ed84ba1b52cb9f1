import { DEPLOYMENT_DEFAULTS, startDeployment, startDeploymentRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';

export const handler = defineAction(
  startDeploymentRoute,
  async ({ params, body, caller, audit }) => {
    const request = { ...DEPLOYMENT_DEFAULTS, ...body };
    const d = await startDeployment(params.id, request, caller);
    audit(`routers/${params.id}/deployments/${d.id}`, request.dry_run ? 'dry run' : undefined);
    return d;
  },
  { runOnce },
);
