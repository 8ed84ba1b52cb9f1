import { sendEmailRoute, requestDeps, sendEmail } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';
import { runOnce } from '../../../shared/platform/http/idempotency-runner';

export const handler = defineAction(
  sendEmailRoute,
  async ({ body, caller, audit }) => {
    let outside = '';
    const out = await sendEmail(body, caller, requestDeps, (note) => {
      outside = `; ${note}`;
    });
    audit(`networks/${out.peer_participant_id}/emails`, `${out.ses_message_id}${outside}`);
    return out;
  },
  { runOnce },
);
