import { getSessionRoute, getStoredSession, toPublicSession } from '../../../shared/sessions';
import { etagOf } from '../../../shared/platform/http/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';
import { withPollTimes } from '../../../shared/polling';

export const handler = defineAction(getSessionRoute, async ({ params }) => {
  const [session] = await withPollTimes([toPublicSession(await getStoredSession(params.id))]);
  return reply(200, session!, { etag: etagOf(session!.version) });
});
