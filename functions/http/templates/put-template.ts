import { putTemplateRoute } from '../../../shared/requests/templates-routes';
import { saveTemplate } from '../../../shared/requests/templates';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putTemplateRoute, async ({ params, body, caller, audit }) => {
  audit(`templates/${params.name}`);
  return saveTemplate(params.name, body, caller.email);
});
