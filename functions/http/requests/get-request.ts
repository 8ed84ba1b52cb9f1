import { getRequestRoute } from '../../../shared/api/routes/requests';
import { getRequest } from '../../../shared/domain/requests/request-answers';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(getRequestRoute, async ({ params }) => getRequest(params.id));
