import { configureSessionRoute } from '../../../shared/api/routes/sessions';
import { configureSession } from '../../../shared/domain/sessions/session-config';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(configureSessionRoute, async ({ params, body, caller, audit }) => {
  audit(`sessions/${params.id}`, body?.config === undefined ? 'configured' : 'configured (custom)');
  return configureSession(params.id, caller, undefined, body?.config);
});
