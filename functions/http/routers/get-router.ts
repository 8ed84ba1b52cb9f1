import { getRouterRoute, getRouter } from '../../../shared/routers';
import { etagOf } from '../../../shared/platform/http/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(getRouterRoute, async ({ params }) => {
  const router = await getRouter(params.id);
  return reply(200, router, { etag: etagOf(router.version) });
});
