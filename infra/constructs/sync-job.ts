import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ActionFunction } from './action-function';
import type { PeerflowTable } from './table';

export interface SyncJobProps {
  table: PeerflowTable;
  logRetention: RetentionDays;
  environment: Record<string, string>;
  /** Whether to create the secret an operator puts a PeeringDB API key in. */
  withApiKeySecret: boolean;
}

/**
 * The PeeringDB sync: one function run by two schedules (hourly incremental, daily full refetch to
 * catch deletes) and by `POST /sync/peeringdb`. Runs that fail after Lambda's retry land in an
 * encrypted dead-letter queue; failed runs and a non-empty queue each raise an alarm.
 */
export class SyncJob extends Construct {
  readonly job: ActionFunction;
  readonly deadLetterQueue: Queue;
  readonly apiKeySecret?: Secret;
  readonly errorsAlarm: Alarm;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: SyncJobProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the sync runs.',
    });

    this.job = new ActionFunction(this, 'Job', {
      entry: 'functions/jobs/sync-peeringdb.ts',
      description: 'PeeringDB sync: incremental hourly, full daily, or on demand',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 1536,
      timeout: Duration.minutes(15),
    });
    this.job.bindTable(props.table, 'read-write');
    this.job.function.configureAsyncInvoke({
      retryAttempts: 1,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    if (props.withApiKeySecret) {
      this.apiKeySecret = new Secret(this, 'ApiKey', {
        description: 'PeeringDB API key for the sync (put the key as the plain secret value)',
      });
      Validations.of(this.apiKeySecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'A PeeringDB API key is issued on peeringdb.com; it cannot be rotated from AWS.',
      });
      this.job.bindSecret('PEERINGDB_API_KEY_SECRET_ARN', this.apiKeySecret);
    }

    const schedules = [
      { id: 'Hourly', schedule: Schedule.rate(Duration.hours(1)), mode: 'incremental' },
      // Off the hour so it does not start together with an incremental run.
      { id: 'Daily', schedule: Schedule.cron({ minute: '30', hour: '3' }), mode: 'full' },
    ];
    for (const { id: scheduleId, schedule, mode } of schedules) {
      new Rule(this, scheduleId, {
        description: `PeeringDB sync, ${mode}`,
        schedule,
        targets: [
          new LambdaFunction(this.job.function, {
            event: RuleTargetInput.fromObject({ mode }),
            deadLetterQueue: this.deadLetterQueue,
            retryAttempts: 2,
          }),
        ],
      });
    }

    this.errorsAlarm = new Alarm(this, 'FailedRuns', {
      alarmDescription: 'A PeeringDB sync run failed',
      metric: this.job.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new Alarm(this, 'DeadLettersWaiting', {
      alarmDescription: 'PeeringDB sync runs gave up and wait in the dead-letter queue',
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
