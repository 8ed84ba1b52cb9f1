import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';

/** The one structured JSON logger of the process. */
export const logger = new Logger({
  serviceName: 'peerflow',
  logLevel: config().LOG_LEVEL,
});

export type RequestLogKeys = Record<string, string>;

let requestKeys: RequestLogKeys = {};

/** The keys every log line of the request being served carries (its correlation id, its operation). */
export function currentRequestKeys(): Readonly<RequestLogKeys> {
  return requestKeys;
}

/**
 * Makes `keys` the request keys of the log lines from now on and returns what puts the previous ones
 * back. A request served inside another (the v1 gateway calls the v2 handlers in-process) restores
 * the outer request's keys when it ends, so the outer request's lines never carry the inner one's.
 */
export function enterRequestLogContext(keys: RequestLogKeys): () => void {
  const previous = requestKeys;
  const apply = (next: RequestLogKeys) => {
    requestKeys = next;
    logger.resetKeys();
    logger.appendKeys(next);
  };
  apply(keys);
  return () => apply(previous);
}
