import { createRouterRoute } from '../../../shared/api/routes/routers';
import { createRouter } from '../../../shared/domain/routers/routers';
import { etagOf } from '../../../shared/domain/sessions/versioning';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(createRouterRoute, async ({ body, audit }) => {
  const router = await createRouter(body);
  audit(`routers/${router.id}`);
  return reply(201, router, { etag: etagOf(router.version), location: `/routers/${router.id}` });
});
