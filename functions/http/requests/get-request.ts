import { getRequestRoute, getRequest } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getRequestRoute, async ({ params }) => getRequest(params.id));
