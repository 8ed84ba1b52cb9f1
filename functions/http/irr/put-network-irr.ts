import { putIrrRoute, setIrrOverride } from '../../../shared/irr';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putIrrRoute, async ({ params, body, caller, audit }) => {
  const result = await setIrrOverride(params.participant_id, body.as_set, caller);
  audit(
    `networks/${params.participant_id}/irr`,
    body.as_set === null
      ? 'override removed'
      : `override: ${result.override?.as_set ?? ''}; ${result.status}`,
  );
  return result;
});
