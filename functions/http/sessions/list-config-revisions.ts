import { listConfigRevisionsRoute, sessionConfigRevisions } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listConfigRevisionsRoute, async ({ params }) => ({
  data: await sessionConfigRevisions(params.id),
}));
