import { listConfigRevisionsRoute } from '../../../shared/sessions/routes';
import { getStoredSession } from '../../../shared/sessions/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';
import { listConfigRevisions } from '../../../shared/sessions/config-revisions-store';

export const handler = defineAction(listConfigRevisionsRoute, async ({ params }) => {
  await getStoredSession(params.id);
  return { data: await listConfigRevisions(params.id) };
});
