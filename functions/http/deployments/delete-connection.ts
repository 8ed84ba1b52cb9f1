import { deleteConnection, deleteConnectionRoute } from '../../../shared/deployments';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(deleteConnectionRoute, async ({ params, audit }) => {
  audit(`routers/${params.id}/connection`);
  await deleteConnection(params.id);
  return null;
});
