import { getIrr, getIrrRoute } from '../../../shared/irr';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getIrrRoute, async ({ params }) => getIrr(params.participant_id));
