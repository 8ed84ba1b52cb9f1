import { listTemplatesRoute } from '../../../shared/api/routes/templates';
import { listTemplates } from '../../../shared/domain/templates/templates';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(listTemplatesRoute, async () => ({ data: await listTemplates() }));
