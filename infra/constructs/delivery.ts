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
    this.job.bindTable(props.table, 'read-write');
    this.job.bindKey('SESSION_PASSWORD_KEY_ID', props.sessionPasswordKey);
    // In the VPC: its network interfaces are Lambda's to make, in those subnets only.
    (this.job.function.node.defaultChild as CfnFunction).vpcConfig = {
      subnetIds: props.subnetIds,
      securityGroupIds: props.securityGroupIds,
    };
    this.job.allow(
      [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      ['*'],
    );
    Validations.of(this.job.role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Lambda needs the EC2 network-interface actions on every resource to run a function in a VPC; they take no narrower resource.',
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
