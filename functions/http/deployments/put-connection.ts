import { putConnection, putConnectionRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putConnectionRoute, async ({ params, body, caller, audit }) => {
  // The audit names the router and the host, never the secret.
  audit(
    `routers/${params.id}/connection`,
    `${body.transport === 'ssh' ? body.username : 'grpc'}@${body.host}:${body.port}`,
  );
  return putConnection(params.id, body, caller);
});
