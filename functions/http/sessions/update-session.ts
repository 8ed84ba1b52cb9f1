import { updateSessionRoute } from '../../../shared/api/routes/sessions';
import { updateSession } from '../../../shared/domain/sessions/sessions';
import { etagOf, expectedVersion } from '../../../shared/domain/sessions/versioning';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(updateSessionRoute, async ({ params, body, event, caller, audit }) => {
  audit(`sessions/${params.id}`);
  const { version, ...changes } = body;
  const expected = expectedVersion(version, event.headers['if-match']);
  const session = await updateSession(params.id, changes, expected, caller);
  return reply(200, session, { etag: etagOf(session.version) });
});
