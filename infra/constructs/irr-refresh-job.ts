import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ActionFunction } from './action-function';
import type { PeerflowTable } from './table';

export interface IrrRefreshJobProps {
  table: PeerflowTable;
  logRetention: RetentionDays;
  environment: Record<string, string>;
}

/**
 * The daily refresh of the peers' IRR prefix lists: one function on a daily schedule (off the
 * PeeringDB sync's hour), the table read-write, an alarm when a run fails. A missed run costs
 * nothing but a day's freshness, so there is no retry queue: the lists stay as they were.
 */
export class IrrRefreshJob extends Construct {
  readonly job: ActionFunction;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: IrrRefreshJobProps) {
    super(scope, id);
    this.job = new ActionFunction(this, 'Job', {
      entry: 'functions/jobs/refresh-irr.ts',
      description: "Daily refresh of the peers' IRR prefix lists",
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 1024,
      timeout: Duration.minutes(15),
    });
    this.job.bindTable(props.table, 'read-write');
    this.job.function.configureAsyncInvoke({ retryAttempts: 0 });
    new Rule(this, 'Daily', {
      description: 'IRR prefix lists, daily',
      schedule: Schedule.cron({ minute: '15', hour: '5' }),
      targets: [new LambdaFunction(this.job.function, { retryAttempts: 0 })],
    });
    this.errorsAlarm = new Alarm(this, 'FailedRuns', {
      alarmDescription: 'An IRR refresh run failed for every network',
      metric: this.job.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
