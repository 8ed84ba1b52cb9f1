import { createHash } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { awsRequestTimeouts } from '../platform/aws-timeouts';
import { config } from '../platform/config';
import { type DeliveryRef, provideRetryScheduler } from '../webhooks';

let sfn: SFNClient | undefined;

/**
 * In AWS the waits between a delivery's attempts are a state machine's: one execution per delivery
 * that must be tried again, which waits, calls the retry function, and waits again for as long as
 * it says. Named after the delivery, so a second start of the same retry is refused by Step
 * Functions rather than run twice.
 */
export function retryWithStateMachine(): void {
  const arn = config().WEBHOOK_RETRY_STATE_MACHINE_ARN;
  if (!arn)
    throw new Error('WEBHOOK_RETRY_STATE_MACHINE_ARN is not set: this function cannot retry deliveries');
  provideRetryScheduler(async (ref: DeliveryRef, waitMs: number) => {
    sfn ??= new SFNClient({ requestHandler: awsRequestTimeouts() });
    const name = createHash('sha256').update(`${ref.webhook_id}/${ref.event_id}`).digest('hex').slice(0, 64);
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: arn,
        name,
        input: JSON.stringify({ delivery: ref, wait_seconds: Math.max(1, Math.ceil(waitMs / 1000)) }),
      }),
    );
  });
}
