import { putTemplateRoute } from '../../../shared/api/routes/templates';
import { saveTemplate } from '../../../shared/domain/templates/templates';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(putTemplateRoute, async ({ params, body, caller, audit }) => {
  audit(`templates/${params.name}`);
  return saveTemplate(params.name, body, caller.email);
});
