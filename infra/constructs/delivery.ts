import { type CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
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
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { ActionFunction } from './action-function';
import type { PeerflowTable } from './table';

export interface DeliveryProps {
  table: PeerflowTable;
  sessionPasswordKey: IKey;
  logRetention: RetentionDays;
  environment: Record<string, string>;
  subnetIds: string[];
  securityGroupIds: string[];
  /** Minutes between two scheduled polls of every router with a connection. */
  pollMinutes: number;
}

/**
 * Delivery to routers: a function in the operator's VPC (where the routers' management addresses
 * are reachable) does one step of a deployment per call; a state machine calls it, waits between
 * calls, and stops when the deployment has ended. No Lambda sleeps through a verification, every
 * step's result is in the table before the next, and an execution lives at most an hour.
 */
export class Delivery extends Construct {
  readonly job: ActionFunction;
  readonly stateMachine: StateMachine;
  /** Polls routers' session states: on the schedule, and for `POST /routers/{id}/poll`. */
  readonly poller: ActionFunction;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    this.job = new ActionFunction(this, 'Step', {
      entry: 'functions/jobs/advance-deployment.ts',
      description:
        'One step of a deployment to a router: connect, check, apply, verify, confirm or roll back',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 512,
      // A step is one phase on the device: a reload and a few reads.
      timeout: Duration.minutes(3),
    });
    inDeliveryVpc(this.job, props);

    this.poller = new ActionFunction(this, 'Poll', {
      entry: 'functions/jobs/poll-routers.ts',
      description:
        "Polls routers' BGP session states: every router on the schedule, one for POST /routers/{id}/poll",
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 512,
      // A scheduled run polls every router, a few at a time; one router gives up after a minute.
      timeout: Duration.minutes(5),
    });
    inDeliveryVpc(this.poller, props);
    // A poll moves its sessions' lifecycles 25 to a PartiQL batch of UPDATE statements (no more
    // than UpdateItem allows, several items to a request), on the table only.
    this.poller.allow(['dynamodb:PartiQLUpdate'], [props.table.table.tableArn]);
    new Rule(this, 'PollSchedule', {
      description: 'Polls the BGP session states of every router with a management connection',
      schedule: Schedule.rate(Duration.minutes(props.pollMinutes)),
      targets: [new LambdaFunction(this.poller.function, { retryAttempts: 0 })],
    });

    const step = new LambdaInvoke(this, 'Advance', {
      lambdaFunction: this.job.function,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    const wait = new Wait(this, 'Wait', { time: WaitTime.secondsPath('$.wait_seconds') });
    const ended = new Choice(this, 'Ended')
      .when(Condition.booleanEquals('$.done', true), new Succeed(this, 'Done'))
      .otherwise(wait.next(step));
    const logs = new LogGroup(this, 'WorkflowLogs', { retention: props.logRetention });
    this.stateMachine = new StateMachine(this, 'Workflow', {
      definitionBody: DefinitionBody.fromChainable(step.next(ended)),
      timeout: Duration.hours(1),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
    const stepId = Stack.of(this).getLogicalId(this.job.function.node.defaultChild as CfnElement);
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing and log delivery of a state machine take no narrower resource than every resource.',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${stepId}.Arn>:*]`,
        reason: 'The state machine may invoke any version of its one step function, and nothing else.',
      },
    );
  }
}

/** A delivery function: the table and the secrets' key, in the VPC that reaches the routers. */
function inDeliveryVpc(fn: ActionFunction, props: DeliveryProps): void {
  fn.bindTable(props.table, 'read-write');
  fn.bindKey('SESSION_PASSWORD_KEY_ID', props.sessionPasswordKey);
  // In the VPC: its network interfaces are Lambda's to make, in those subnets only.
  (fn.function.node.defaultChild as CfnFunction).vpcConfig = {
    subnetIds: props.subnetIds,
    securityGroupIds: props.securityGroupIds,
  };
  fn.allow(
    [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    ['*'],
  );
  Validations.of(fn.role).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason:
      'Lambda needs the EC2 network-interface actions on every resource to run a function in a VPC; they take no narrower resource.',
  });
}
