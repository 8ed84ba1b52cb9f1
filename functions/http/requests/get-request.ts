import { getRequestRoute } from '../../../shared/requests/routes';
import { getRequest } from '../../../shared/requests/request-answers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getRequestRoute, async ({ params }) => getRequest(params.id));
