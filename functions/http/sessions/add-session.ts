import { addSessionRoute } from '../../../shared/api/routes/sessions';
import { addSession } from '../../../shared/domain/sessions/sessions';
import { etagOf } from '../../../shared/domain/sessions/versioning';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(addSessionRoute, async ({ body, caller, audit }) => {
  const session = await addSession(body, caller);
  audit(`sessions/${session.id}`);
  return reply(201, session, { etag: etagOf(session.version), location: `/sessions/${session.id}` });
});
