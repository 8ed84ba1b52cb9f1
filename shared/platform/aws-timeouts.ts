import { config } from './config';

/**
 * How long an AWS call may take before the SDK gives up on it and tries again (within the client's
 * attempts): a connection not made in a second, or a socket silent for
 * `AWS_REQUEST_TIMEOUT_MS`. Without them a call that never answers holds the function until
 * Lambda's own timeout, and the caller gets API Gateway's bare 503 instead of ours.
 */
export function awsRequestTimeouts() {
  // Without `throwOnRequestTimeout` the SDK only warns about a silent socket and goes on waiting.
  return {
    connectionTimeout: 1000,
    requestTimeout: config().AWS_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
  };
}
