import { refreshPeersOfSessions } from '../../../shared/peers';
import { configureSessionOnRouter, configureSessionRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(configureSessionRoute, async ({ params, body, caller, audit }) => {
  const result = await configureSessionOnRouter(params.id, caller, body?.config);
  await refreshPeersOfSessions([result.session]);
  const how = result.deployment
    ? `deployment ${result.deployment.id}: ${result.deployment.status}`
    : 'not delivered';
  audit(
    `sessions/${params.id}`,
    `${body?.config === undefined ? 'configure' : 'configure (custom)'}: ${how}`,
  );
  return result;
});
