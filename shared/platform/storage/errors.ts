/**
 * What a store throws when the table refused or could not do what was asked: a conditional write
 * that found the data changed, a guard already taken, an item that does not parse. Each keeps what
 * DynamoDB said as its `cause`. Use-cases turn them into domain errors (a conflict, a not found);
 * one that escapes is an internal error, never shown to the caller.
 */
export class StorageError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
  }
}

/** DynamoDB (or the SDK's) names for "too much at once, try again shortly". */
const BUSY = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** The SDK's and Node's names for a call that got no answer (or a broken one) in time. */
const UNREACHABLE = new Set(['TimeoutError', 'RequestTimeout', 'AbortError', 'NetworkingError']);
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * What a store's failure means to the caller when no use-case turned it into a domain error: the
 * table is busy or out of reach (503 with Retry-After: the same request may succeed in a moment), or
 * another write changed the items while this one ran (409: read again, then decide). Undefined for
 * anything else, which stays an internal error. DynamoDB's own error names never reach the caller.
 */
export function storageFaultOf(err: unknown): StorageFault | undefined {
  for (
    let e = err as AwsErrorLike | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as AwsErrorLike, depth++
  ) {
    const name = e.name ?? '';
    if (name === 'TransactionCanceledException') {
      const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
      // A condition that failed is the data changed; anything else (another transaction on the same
      // items, throttling) passes if the same request comes again.
      return codes.includes('ConditionalCheckFailed') ? 'conflict' : 'busy';
    }
    if (name === 'ConditionalCheckFailedException') return 'conflict';
    if (name === 'TransactionConflictException') return 'busy';
    if (BUSY.has(name) || e.$retryable?.throttling) return 'busy';
    if (UNREACHABLE.has(name) || (e.code !== undefined && SOCKET_CODES.has(e.code))) return 'unreachable';
  }
  return undefined;
}

export type StorageFault = 'busy' | 'unreachable' | 'conflict';

interface AwsErrorLike {
  name?: string;
  code?: string;
  cause?: unknown;
  $retryable?: { throttling?: boolean };
  CancellationReasons?: { Code?: string }[];
}
