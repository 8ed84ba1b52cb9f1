import { updateSessionRoute, updateSession } from '../../../shared/sessions';
import { etagOf, expectedVersion } from '../../../shared/platform/http/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(updateSessionRoute, async ({ params, body, event, caller, audit }) => {
  audit(`sessions/${params.id}`);
  const { version, ...changes } = body;
  const expected = expectedVersion(version, event.headers['if-match']);
  const session = await updateSession(params.id, changes, expected, caller);
  return reply(200, session, { etag: etagOf(session.version) });
});
