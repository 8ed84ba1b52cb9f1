import { refreshPeersOfSessions } from '../../../shared/peers';
import { deleteSession, getStoredSession, toPublicSession } from '../../../shared/sessions';
import { deleteSessionFromRouter, deleteSessionRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteSessionRoute, async ({ params, query, caller, audit }) => {
  if (query.deploy) {
    const session = toPublicSession(await getStoredSession(params.id));
    const deployment = await deleteSessionFromRouter(params.id, caller);
    const deleted = deployment.status === 'succeeded';
    audit(`sessions/${params.id}`, `delete through deployment ${deployment.id}: ${deployment.status}`);
    return {
      session: deleted ? session : toPublicSession(await getStoredSession(params.id)),
      removal: null,
      deployment,
      deleted,
    };
  }
  audit(`sessions/${params.id}`);
  const result = await deleteSession(params.id, caller);
  await refreshPeersOfSessions([result.session]);
  return { ...result, deployment: null, deleted: true };
});
