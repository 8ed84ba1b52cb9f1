import { jwksRoute } from '../../../shared/api/routes/system';
import { loadJwks } from '../../../shared/auth/keys';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(jwksRoute, async () =>
  reply(200, await loadJwks(), { 'cache-control': 'public, max-age=300' }),
);
