import { getPollStatus, getPollStatusRoute } from '../../../shared/polling';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getPollStatusRoute, async ({ params }) => getPollStatus(params.id));
