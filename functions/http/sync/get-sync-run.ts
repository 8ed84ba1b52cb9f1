import { getSyncRunRoute, syncRunsRepository } from '../../../shared/peeringdb';
import { defineAction } from '../../../shared/platform/http/define-action';
import { NotFoundError } from '../../../shared/platform/errors';

export const handler = defineAction(getSyncRunRoute, async ({ params }) => {
  const run = await syncRunsRepository.get(params.id);
  if (!run) throw new NotFoundError(`Sync run ${params.id} not found`);
  return run;
});
