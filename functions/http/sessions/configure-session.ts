import { refreshPeersOfSessions } from '../../../shared/peers';
import { configureSessionRoute, configureSession } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(configureSessionRoute, async ({ params, body, caller, audit }) => {
  audit(`sessions/${params.id}`, body?.config === undefined ? 'configured' : 'configured (custom)');
  const result = await configureSession(params.id, caller, undefined, body?.config);
  await refreshPeersOfSessions([result.session]);
  return result;
});
