import { sendEmailRoute } from '../../../shared/api/routes/emails';
import { requestDeps } from '../../../shared/domain/requests/dependencies';
import { sendEmail } from '../../../shared/domain/requests/send-email';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(sendEmailRoute, async ({ body, caller, audit }) => {
  const out = await sendEmail(body, caller, requestDeps);
  audit(`networks/${out.peer_participant_id}/emails`, out.ses_message_id);
  return out;
});
