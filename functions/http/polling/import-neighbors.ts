import { refreshPeersOfSessions } from '../../../shared/peers';
import { importNeighbors, importNeighborsRoute } from '../../../shared/polling';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(importNeighborsRoute, async ({ params, body, caller, audit }) => {
  const { data, sessions } = await importNeighbors(params.id, body.peer_ips, caller);
  if (sessions.length > 0) await refreshPeersOfSessions(sessions);
  audit(`routers/${params.id}`);
  return { data };
});
