import { getSessionRoute } from '../../../shared/sessions/routes';
import { getStoredSession, toPublicSession } from '../../../shared/sessions/sessions';
import { etagOf } from '../../../shared/sessions/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(getSessionRoute, async ({ params }) => {
  const session = toPublicSession(await getStoredSession(params.id));
  return reply(200, session, { etag: etagOf(session.version) });
});
