import { configureSessionRoute, configureSession } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(configureSessionRoute, async ({ params, body, caller, audit }) => {
  audit(`sessions/${params.id}`, body?.config === undefined ? 'configured' : 'configured (custom)');
  return configureSession(params.id, caller, undefined, body?.config);
});
