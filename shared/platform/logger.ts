import { AsyncLocalStorage } from 'node:async_hooks';
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import type { Context } from 'aws-lambda';
import { config } from './config';

export type RequestLogKeys = Record<string, string>;

type LambdaContext = NonNullable<UnformattedAttributes['lambdaContext']>;

/** The keys of one piece of work (a request, a background sync run) and its Lambda invocation. */
interface LogScope {
  keys: RequestLogKeys;
  lambda?: LambdaContext;
}

/**
 * Log keys live in the async context of the work that writes the line, not in the logger: a
 * process serves requests and background runs side by side (the local runtime, the tests), and a
 * line must carry the keys of its own work, never those of whatever request happens to be current.
 */
const scopes = new AsyncLocalStorage<LogScope>();

let coldStart = true;

/** Powertools' line layout, with the keys and Lambda context of the scope the line is written in. */
class ScopedLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const scope = scopes.getStore();
    const lambda = scope ? scope.lambda : attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        cold_start: lambda?.coldStart,
        function_arn: lambda?.invokedFunctionArn,
        function_memory_size: lambda?.memoryLimitInMB,
        function_name: lambda?.functionName,
        function_request_id: lambda?.awsRequestId,
        sampling_rate: attributes.sampleRateValue,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes({ ...scope?.keys, ...additional });
  }
}

/** The one structured JSON logger of the process. */
export const logger = new Logger({
  serviceName: 'peerflow',
  logLevel: config().LOG_LEVEL,
  logFormatter: new ScopedLogFormatter(),
});

/** The keys every log line of the work being done here carries (its correlation id, its operation). */
export function currentRequestKeys(): Readonly<RequestLogKeys> {
  return scopes.getStore()?.keys ?? {};
}

/**
 * Runs `work` in a log scope of its own, starting with `keys`: its lines, and those of everything
 * it starts, carry them until it or what it started sets others. A request served inside another
 * (the v1 gateway calls the v2 handlers in-process) has its own scope, and the outer request's
 * lines never carry the inner one's keys.
 */
export function inLogScope<T>(keys: RequestLogKeys, work: () => T): T {
  return scopes.run({ keys: { ...keys } }, work);
}

/** Sets the keys (and the Lambda invocation) of the current scope's lines, once the request names them. */
export function setRequestLogKeys(keys: RequestLogKeys, context?: Context): void {
  const scope = scopes.getStore();
  if (!scope) return;
  scope.keys = { ...keys };
  if (context) {
    scope.lambda = {
      invokedFunctionArn: context.invokedFunctionArn,
      coldStart,
      awsRequestId: context.awsRequestId,
      memoryLimitInMB: context.memoryLimitInMB,
      functionName: context.functionName,
      functionVersion: context.functionVersion,
    };
    coldStart = false;
  }
}
