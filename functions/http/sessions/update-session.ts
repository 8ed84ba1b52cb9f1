import { refreshPeersOfSessions } from '../../../shared/peers';
import { getStoredSession, updateSessionRoute, updateSession } from '../../../shared/sessions';
import { etagOf, expectedVersion } from '../../../shared/platform/http/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(updateSessionRoute, async ({ params, body, event, caller, audit }) => {
  audit(`sessions/${params.id}`);
  const { version, ...changes } = body;
  const expected = expectedVersion(version, event.headers['if-match']);
  // The session may move to another peer or exchange: the rows of both places are rewritten.
  const before = await getStoredSession(params.id);
  const session = await updateSession(params.id, changes, expected, caller);
  await refreshPeersOfSessions([before, session]);
  return reply(200, session, { etag: etagOf(session.version) });
});
