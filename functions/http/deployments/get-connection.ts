import { getConnection, getConnectionRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getConnectionRoute, async ({ params }) => getConnection(params.id));
