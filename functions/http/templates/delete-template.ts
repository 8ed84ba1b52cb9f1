import { deleteTemplateRoute, deleteTemplate } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(deleteTemplateRoute, async ({ params, audit }) => {
  audit(`templates/${params.name}`);
  await deleteTemplate(params.name);
  return reply(204, null);
});
