import { pollRouterRoute, pollRunner } from '../../../shared/polling';
import { defineAction } from '../../../shared/platform/http/define-action';

// The poll runs in the delivery VPC (the polling function); this function only asks and answers.
export const handler = defineAction(pollRouterRoute, async ({ params, audit }) => {
  const result = await pollRunner()(params.id);
  audit(`routers/${params.id}`);
  return result;
});
