import { updateRouterRoute } from '../../../shared/api/routes/routers';
import { updateRouter } from '../../../shared/domain/routers/routers';
import { etagOf, expectedVersion } from '../../../shared/domain/sessions/versioning';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(updateRouterRoute, async ({ params, body, event, audit }) => {
  audit(`routers/${params.id}`);
  const { version, ...changes } = body;
  const router = await updateRouter(params.id, changes, expectedVersion(version, event.headers['if-match']));
  return reply(200, router, { etag: etagOf(router.version) });
});
