import { revealSessionPasswordRoute, revealPassword } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(revealSessionPasswordRoute, async ({ params, audit }) => {
  audit(`sessions/${params.id}`, 'password revealed');
  return revealPassword(params.id);
});
