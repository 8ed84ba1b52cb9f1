import { getSessionRoute } from '../../../shared/api/routes/sessions';
import { getStoredSession, toPublicSession } from '../../../shared/domain/sessions/sessions';
import { etagOf } from '../../../shared/domain/sessions/versioning';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(getSessionRoute, async ({ params }) => {
  const session = toPublicSession(await getStoredSession(params.id));
  return reply(200, session, { etag: etagOf(session.version) });
});
