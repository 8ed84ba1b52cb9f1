import { deleteTemplateRoute } from '../../../shared/api/routes/templates';
import { deleteTemplate } from '../../../shared/domain/templates/templates';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(deleteTemplateRoute, async ({ params, audit }) => {
  audit(`templates/${params.name}`);
  await deleteTemplate(params.name);
  return reply(204, null);
});
