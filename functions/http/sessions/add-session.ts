import { refreshPeersOfSessions } from '../../../shared/peers';
import { addSessionRoute, addSession } from '../../../shared/sessions';
import { etagOf } from '../../../shared/platform/http/versioning';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(
  addSessionRoute,
  async ({ body, caller, audit }) => {
    const session = await addSession(body, caller);
    await refreshPeersOfSessions([session]);
    audit(`sessions/${session.id}`);
    return reply(201, session, { etag: etagOf(session.version), location: `/sessions/${session.id}` });
  },
  { runOnce },
);
