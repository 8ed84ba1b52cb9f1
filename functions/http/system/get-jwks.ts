import { jwksRoute } from '../../../shared/system';
import { loadJwks } from '../../../shared/platform/auth/keys';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(jwksRoute, async () =>
  reply(200, await loadJwks(), { 'cache-control': 'public, max-age=300' }),
);
