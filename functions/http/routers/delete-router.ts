import { deleteRouterRoute } from '../../../shared/api/routes/routers';
import { deleteRouter } from '../../../shared/domain/routers/routers';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(deleteRouterRoute, async ({ params, audit }) => {
  audit(`routers/${params.id}`);
  await deleteRouter(params.id);
  return reply(204, null);
});
