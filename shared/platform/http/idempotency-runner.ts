import { gunzipSync, gzipSync } from 'node:zlib';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { DomainError } from '../errors';
import { logger } from '../logger';
import {
  IDEMPOTENCY_KEEP_SECONDS,
  IDEMPOTENCY_KEY_PREFIX,
  idempotencyPersistence,
} from '../storage/idempotency-store';
import type { ActionState } from './middlewares';
import { IDEMPOTENCY_HEADER, type RunOnce } from './idempotency';

type Answer = APIGatewayProxyStructuredResultV2;

/** The first answer as it is kept: status, headers, body (gzipped when large) and what its audit entry said. */
interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  gzipped: boolean;
  audit_target?: string;
  audit_result?: string;
}

/** Bodies above this are kept gzipped: an item holds at most 400 KB. */
const GZIP_ABOVE = 64 * 1024;
/** What a retry that meets the first call still running is told to wait, in seconds. */
const IN_PROGRESS_RETRY_SECONDS = 2;

/** An answer that is not kept (a refusal): the key is released, so a retry runs again. */
class NotKept extends Error {}

function keep(answer: Answer, state: ActionState): KeptAnswer {
  const body = answer.body ?? '';
  const gzipped = Buffer.byteLength(body) > GZIP_ABOVE;
  return {
    status: answer.statusCode ?? 200,
    headers: Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k, String(v)])),
    body: gzipped ? gzipSync(body).toString('base64') : body,
    gzipped,
    ...(state.audit !== undefined ? { audit_target: state.audit.target } : {}),
    ...(state.audit?.result !== undefined ? { audit_result: state.audit.result } : {}),
  };
}

function replay(kept: KeptAnswer): Answer {
  return {
    statusCode: kept.status,
    headers: { ...kept.headers, 'idempotent-replayed': 'true' },
    body: kept.gzipped ? gunzipSync(Buffer.from(kept.body, 'base64')).toString('utf8') : kept.body,
  };
}

const keyDetail = (message: string) => [{ path: `headers.${IDEMPOTENCY_HEADER}`, message }];

/** Powertools' refusals in the API's terms; anything else goes on as it is. */
function refusal(err: unknown, key: string): unknown {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'IdempotencyValidationError') {
    return new DomainError(
      'invalid',
      'idempotency_key_reused',
      `Idempotency-Key "${key}" was first used with a different request on this route: use a new key for a new request`,
      { details: keyDetail('already used with another request') },
    );
  }
  if (name === 'IdempotencyAlreadyInProgressError' || name === 'IdempotencyInconsistentStateError') {
    return new DomainError(
      'conflict',
      'idempotency_key_in_progress',
      `A request with Idempotency-Key "${key}" is still being served: retry after it finished`,
      { details: keyDetail('in progress'), retryAfterSeconds: IN_PROGRESS_RETRY_SECONDS },
    );
  }
  if (name === 'IdempotencyPersistenceLayerError') {
    logger.warn('idempotency key could not be checked', { error: (err as Error).message });
    return new DomainError(
      'unavailable',
      'idempotency_unavailable',
      'The Idempotency-Key could not be checked, and nothing was done: try again',
      { retryAfterSeconds: 1 },
    );
  }
  return err;
}

/**
 * Runs the work once per key: Powertools claims the key with a conditional write (in progress until
 * the function's remaining time runs out), runs the work, and keeps its answer for
 * IDEMPOTENCY_KEEP_SECONDS; a retry with the key gets that answer, marked `Idempotent-Replayed`, and
 * its audit entry says it was a replay. A refusal or a failure is not kept: the key is released.
 */
export const runOnce: RunOnce = async (call, state, work, context) => {
  let ran: { answer?: Answer; error?: unknown } | undefined;
  const once = makeIdempotent(
    async (_call: { scope: unknown; request: unknown }, _context: Context): Promise<KeptAnswer> => {
      ran = {};
      try {
        ran.answer = await work();
      } catch (err) {
        ran.error = err;
        throw err;
      }
      if ((ran.answer.statusCode ?? 200) >= 400) throw new NotKept();
      return keep(ran.answer, state);
    },
    {
      persistenceStore: idempotencyPersistence(call.route),
      keyPrefix: IDEMPOTENCY_KEY_PREFIX,
      config: new IdempotencyConfig({
        eventKeyJmesPath: 'scope',
        payloadValidationJmesPath: 'request',
        throwOnNoIdempotencyKey: true,
        expiresAfterSeconds: IDEMPOTENCY_KEEP_SECONDS,
        hashFunction: 'sha256',
      }),
    },
  );
  const scope = { route: call.route, user: call.user, key: call.key };
  try {
    const kept = await once({ scope, request: call.request }, context);
    if (ran?.answer) return ran.answer;
    state.audit = {
      // An empty target stands for the route's path, as in any entry whose handler named none.
      target: kept.audit_target ?? '',
      result: `replayed the first answer (Idempotency-Key): ${kept.audit_result ?? 'success'}`,
    };
    return replay(kept);
  } catch (err) {
    if (ran?.error !== undefined) throw ran.error;
    if (ran?.answer) {
      // The work is done (a mail may be out): its answer goes back even if it could not be kept.
      if (!(err instanceof NotKept)) logger.error('idempotency: the answer could not be kept', err as Error);
      return ran.answer;
    }
    throw refusal(err, call.key);
  }
};
