import {
  namedV1Actions,
  v1GetRoute,
  v1PostRoute,
  readV1Params,
  V1_CHANGING_ACTIONS,
  V1ParamError,
} from '../../shared/v1';
import { type ActionImpl, defineAction, serveByMethod } from '../../shared/platform/http/define-action';
import { reply } from '../../shared/platform/http/reply';
import { logger } from '../../shared/platform/logger';
import { actions, V1Failure, type V1Outcome } from './actions';

/**
 * The ProVision APIv1 Peering gateway. It reads the seed's parameters, calls the v2 route that does
 * the same thing (in-process, as the same caller), and answers in the seed's envelope:
 * `{"success": 1, "message": ..., "data": ...}` or `{"success": 0, "message": ...}` with a 4xx.
 */
const serve: ActionImpl<typeof v1GetRoute> = async ({ event, context, audit }) => {
  // A call of a changing action is audited, a refused one as a refusal, even when its parameters
  // are refused before the action runs.
  const changing = namedV1Actions(event).find((a) => V1_CHANGING_ACTIONS.has(a));
  if (changing) audit(`v1/${changing}`);
  const outcome = await answer(event, async (params) => {
    if (params.target !== 'peering') {
      throw new V1Failure(400, `Unknown target "${params.target ?? ''}": this API serves target=peering`);
    }
    const action = params.action ?? '';
    const run = Object.hasOwn(actions, action) ? actions[action as keyof typeof actions] : undefined;
    if (!run) {
      throw new V1Failure(400, `Unknown action "${action}": use one of ${Object.keys(actions).join(', ')}`);
    }
    return run(params, { event, context });
  });
  const { status, ...body } = outcome;
  return reply(status, body as never);
};

/** GET and POST are two routes with their own contracts; one function serves both. */
export const handler = serveByMethod(defineAction(v1GetRoute, serve), defineAction(v1PostRoute, serve));

async function answer(
  event: Parameters<typeof readV1Params>[0],
  run: (params: ReturnType<typeof readV1Params>) => Promise<V1Outcome>,
): Promise<V1Outcome> {
  try {
    return await run(readV1Params(event));
  } catch (err) {
    if (err instanceof V1Failure) return { status: err.status, success: 0, message: err.message };
    if (err instanceof V1ParamError) return { status: err.status, success: 0, message: err.message };
    logger.error('v1 action failed', err as Error);
    return { status: 500, success: 0, message: 'Internal error' };
  }
}
