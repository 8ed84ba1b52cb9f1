import { putTemplateRoute, saveTemplate } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putTemplateRoute, async ({ params, body, caller, audit }) => {
  audit(`templates/${params.name}`);
  return saveTemplate(params.name, body, caller.email);
});
