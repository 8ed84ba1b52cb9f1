import { updateRouterRoute, updateRouter } from '../../../shared/routers';
import { etagOf, expectedVersion } from '../../../shared/platform/http/versioning';
import { sessionsOfRouter } from '../../../shared/sessions';
import { refusePlatformChangeWithConnection } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(updateRouterRoute, async ({ params, body, event, audit }) => {
  audit(`routers/${params.id}`);
  const { version, ...changes } = body;
  const router = await updateRouter(params.id, changes, expectedVersion(version, event.headers['if-match']), {
    ...sessionsOfRouter,
    checkPlatform: async (router, platform) => {
      await refusePlatformChangeWithConnection(router, platform);
      await sessionsOfRouter.checkPlatform(router, platform);
    },
  });
  return reply(200, router, { etag: etagOf(router.version) });
});
