import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { config } from '../platform/config';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '../platform/errors';
import type { PollResult } from './poller';

/**
 * Where an on-demand poll runs. Only the delivery VPC reaches routers, so in AWS the route's
 * function (outside it, without the device modules) invokes the polling function there and waits
 * for its answer; locally and in tests the poll runs in-process (provided by the app layer).
 */
export type PollRunner = (routerId: string) => Promise<PollResult>;

/** What the polling function answers an on-demand poll: its result, or the refusal to map. */
export type PollJobAnswer =
  { result: PollResult } | { error: { kind: 'not_found' | 'conflict'; message: string } };

let provided: PollRunner | undefined;
let lambda: LambdaClient | undefined;

export function providePollRunner(runner: PollRunner | undefined): void {
  provided = runner;
}

const invokePollFunction =
  (functionName: string): PollRunner =>
  async (routerId) => {
    lambda ??= new LambdaClient({});
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify({ router_id: routerId, trigger: 'api' })),
      }),
    );
    if (out.FunctionError || !out.Payload)
      throw new Error(`the polling function failed: ${out.FunctionError}`);
    const answer = JSON.parse(Buffer.from(out.Payload).toString('utf8')) as PollJobAnswer;
    if ('result' in answer) return answer.result;
    if (answer.error.kind === 'not_found') throw new NotFoundError(answer.error.message);
    throw new ConflictError(answer.error.message);
  };

export function pollRunner(): PollRunner {
  const name = config().POLL_FUNCTION_NAME;
  const run = name ? invokePollFunction(name) : provided;
  if (!run) {
    throw new ServiceUnavailableError(
      'Polling routers is off in this deployment: it needs the delivery VPC (see the README, deliverySubnetIds)',
    );
  }
  return run;
}
