import { putConnection, putConnectionRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putConnectionRoute, async ({ params, body, caller, audit }) => {
  // The audit names the router and the host, never the secret.
  const who = body.transport === 'grpc' ? 'grpc' : `${body.transport} ${body.username}`;
  audit(`routers/${params.id}/connection`, `${who}@${body.host}${body.port ? `:${body.port}` : ''}`);
  return putConnection(params.id, body, caller);
});
