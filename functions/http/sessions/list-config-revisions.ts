import { listConfigRevisionsRoute } from '../../../shared/api/routes/sessions';
import { getStoredSession } from '../../../shared/domain/sessions/sessions';
import { defineAction } from '../../../shared/http/define-action';
import { listConfigRevisions } from '../../../shared/storage/config-revisions-repository';

export const handler = defineAction(listConfigRevisionsRoute, async ({ params }) => {
  await getStoredSession(params.id);
  return { data: await listConfigRevisions(params.id) };
});
