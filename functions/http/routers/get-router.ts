import { getRouterRoute } from '../../../shared/api/routes/routers';
import { getRouter } from '../../../shared/domain/routers/routers';
import { etagOf } from '../../../shared/domain/sessions/versioning';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(getRouterRoute, async ({ params }) => {
  const router = await getRouter(params.id);
  return reply(200, router, { etag: etagOf(router.version) });
});
