import { updateRouterRoute } from '../../../shared/routers/routes';
import { updateRouter } from '../../../shared/routers/routers';
import { etagOf, expectedVersion } from '../../../shared/sessions/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(updateRouterRoute, async ({ params, body, event, audit }) => {
  audit(`routers/${params.id}`);
  const { version, ...changes } = body;
  const router = await updateRouter(params.id, changes, expectedVersion(version, event.headers['if-match']));
  return reply(200, router, { etag: etagOf(router.version) });
});
