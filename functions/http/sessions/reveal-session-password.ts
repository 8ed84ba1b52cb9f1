import { revealSessionPasswordRoute } from '../../../shared/api/routes/sessions';
import { revealPassword } from '../../../shared/domain/sessions/sessions';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(revealSessionPasswordRoute, async ({ params, audit }) => {
  audit(`sessions/${params.id}`, 'password revealed');
  return revealPassword(params.id);
});
