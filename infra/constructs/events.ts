import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  LogLevel,
  StateMachine,
  Succeed,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/app/eventbridge-publisher';
import { ActionFunction } from './action-function';
import type { PeerflowTable } from './table';

export interface EventsProps {
  table: PeerflowTable;
  /** The key webhook secrets are encrypted with (the session-password key): deliveries decrypt only. */
  secretKey: IKey;
  logRetention: RetentionDays;
  environment: Record<string, string>;
}

/**
 * peerflow's events and their webhooks: a bus of its own that the functions raising events put
 * them on; a rule that hands every peerflow event to the delivery function (first attempts); and a
 * state machine that waits between a delivery's later attempts and calls the retry function, so
 * no Lambda sleeps through a backoff. Events EventBridge could not hand over, and deliveries whose
 * function failed after Lambda's retries, land in an encrypted dead-letter queue with an alarm.
 *
 * The delivery functions run outside the routers' VPC: they reach the receivers over the internet,
 * and nothing of the management network, whatever a webhook URL names.
 */
export class Events extends Construct {
  readonly bus: EventBus;
  readonly deliveryJob: ActionFunction;
  readonly retryJob: ActionFunction;
  readonly retries: StateMachine;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { description: "peerflow's events" });

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the events that could not be delivered.',
    });

    this.retryJob = new ActionFunction(this, 'Retry', {
      entry: 'functions/jobs/retry-webhook-delivery.ts',
      description: 'One more attempt of a webhook delivery, after the wait its state machine kept',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 512,
      timeout: Duration.seconds(30),
    });
    this.retryJob.bindTable(props.table, 'read-write');
    this.retryJob.bindDecryptKey('SESSION_PASSWORD_KEY_ID', props.secretKey);

    const attempt = new LambdaInvoke(this, 'Attempt', {
      lambdaFunction: this.retryJob.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    // A failed call (the table throttled, say) is made again; if the failed one had posted before
    // it failed, the receiver sees that attempt twice, with the same event id.
    attempt.addRetry({
      errors: ['States.TaskFailed'],
      interval: Duration.seconds(10),
      maxAttempts: 3,
      backoffRate: 2,
    });
    const wait = new Wait(this, 'Backoff', { time: WaitTime.secondsPath('$.wait_seconds') });
    const ended = new Choice(this, 'Delivered')
      .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'Done'))
      .otherwise(wait);
    wait.next(attempt).next(ended);
    const logs = new LogGroup(this, 'RetryLogs', { retention: props.logRetention });
    this.retries = new StateMachine(this, 'Retries', {
      definitionBody: DefinitionBody.fromChainable(wait),
      // Five attempts with doubling waits take minutes; a receiver's Retry-After may add an hour each.
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    const retryId = Stack.of(this).getLogicalId(this.retryJob.function.node.defaultChild as CfnElement);
    Validations.of(this.retries).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and log delivery of a state machine take no narrower resource than every resource.',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${retryId}.Arn>:*]`,
        reason: 'The state machine may invoke any version of its one retry function, and nothing else.',
      },
    );

    this.deliveryJob = new ActionFunction(this, 'Delivery', {
      entry: 'functions/jobs/deliver-webhooks.ts',
      description: 'Delivers one peerflow event to the webhooks subscribed to it (first attempts)',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 512,
      // Eight attempts at once, each at most a few seconds, over at most a few dozen webhooks.
      timeout: Duration.minutes(1),
    });
    this.deliveryJob.bindTable(props.table, 'read-write');
    this.deliveryJob.bindDecryptKey('SESSION_PASSWORD_KEY_ID', props.secretKey);
    this.deliveryJob.bindStart('WEBHOOK_RETRY_STATE_MACHINE_ARN', this.retries.stateMachineArn);
    this.deliveryJob.function.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.rule = new Rule(this, 'ToWebhooks', {
      description: 'Every peerflow event, to the webhook delivery function',
      eventBus: this.bus,
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [
        new LambdaFunction(this.deliveryJob.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: 3,
          maxEventAge: Duration.hours(2),
        }),
      ],
    });

    this.deadLetterAlarm = new Alarm(this, 'UndeliveredEvents', {
      alarmDescription: 'peerflow events could not be handed to the webhook delivery function',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
