import { getSyncRunRoute, syncRunsRepository, syncRunView } from '../../../shared/peeringdb';
import { roleAllows } from '../../../shared/platform/http/contract';
import { defineAction } from '../../../shared/platform/http/define-action';
import { NotFoundError } from '../../../shared/platform/errors';

export const handler = defineAction(getSyncRunRoute, async ({ params, caller }) => {
  const run = await syncRunsRepository.get(params.id);
  if (!run) throw new NotFoundError(`Sync run ${params.id} not found`);
  return syncRunView(run, roleAllows(caller.role, 'admin'));
});
