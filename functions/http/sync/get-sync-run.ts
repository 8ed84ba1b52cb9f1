import { getSyncRunRoute } from '../../../shared/api/routes/sync';
import { defineAction } from '../../../shared/http/define-action';
import { NotFoundError } from '../../../shared/http/errors';
import { syncRunsRepository } from '../../../shared/storage/sync-runs-repository';

export const handler = defineAction(getSyncRunRoute, async ({ params }) => {
  const run = await syncRunsRepository.get(params.id);
  if (!run) throw new NotFoundError(`Sync run ${params.id} not found`);
  return run;
});
