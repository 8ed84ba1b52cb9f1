import { createRouterRoute, createRouter } from '../../../shared/routers';
import { etagOf } from '../../../shared/platform/http/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(
  createRouterRoute,
  async ({ body, audit }) => {
    const router = await createRouter(body);
    audit(`routers/${router.id}`);
    return reply(201, router, { etag: etagOf(router.version), location: `/routers/${router.id}` });
  },
  { runOnce },
);
