import { sendRequestRoute, requestDeps, sendRequest } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(
  sendRequestRoute,
  async ({ body, caller, audit }) => {
    let outside = '';
    const out = await sendRequest(body, caller, requestDeps, (note) => {
      outside = `; ${note}`;
    });
    if ('dry_run' in out) {
      audit(`peers/${body.peer_participant_id}`, `dry run: nothing sent${outside}`);
      return reply(200, out);
    }
    audit(`requests/${out.id}`, `${out.status}${outside}`);
    return out;
  },
  { runOnce },
);
