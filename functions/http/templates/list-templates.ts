import { listTemplatesRoute } from '../../../shared/requests/templates-routes';
import { listTemplates } from '../../../shared/requests/templates';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listTemplatesRoute, async () => ({ data: await listTemplates() }));
