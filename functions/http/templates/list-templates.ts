import { listTemplatesRoute, listTemplates } from '../../../shared/requests';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listTemplatesRoute, async () => ({ data: await listTemplates() }));
