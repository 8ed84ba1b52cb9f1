import { addSessionRoute } from '../../../shared/sessions/routes';
import { addSession } from '../../../shared/sessions/sessions';
import { etagOf } from '../../../shared/sessions/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(addSessionRoute, async ({ body, caller, audit }) => {
  const session = await addSession(body, caller);
  audit(`sessions/${session.id}`);
  return reply(201, session, { etag: etagOf(session.version), location: `/sessions/${session.id}` });
});
