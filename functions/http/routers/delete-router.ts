import { deleteRouterRoute, deleteRouter } from '../../../shared/routers';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(deleteRouterRoute, async ({ params, audit }) => {
  audit(`routers/${params.id}`);
  await deleteRouter(params.id);
  return reply(204, null);
});
