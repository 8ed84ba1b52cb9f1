import { listConfigRevisionsRoute, getStoredSession, listConfigRevisions } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listConfigRevisionsRoute, async ({ params }) => {
  await getStoredSession(params.id);
  return { data: await listConfigRevisions(params.id) };
});
