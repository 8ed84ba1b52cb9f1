import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { ActionFunction } from './action-function';

/**
 * A Provider framework for one of our custom resource functions. The framework's own function and
 * role are built by aws-cdk-lib and cannot be narrowed, so their two findings are acknowledged here.
 */
export function customResourceProvider(
  scope: Construct,
  id: string,
  onEvent: ActionFunction,
  logRetention: RetentionDays,
): Provider {
  const provider = new Provider(scope, id, {
    onEventHandler: onEvent.function,
    logGroup: new LogGroup(scope, `${id}Logs`, { retention: logRetention }),
  });
  const onEventId = Stack.of(scope).getLogicalId(onEvent.function.node.defaultChild as CfnElement);
  Validations.of(provider.node.findChild('framework-onEvent')).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The Provider framework function only writes its own logs with the basic execution role.',
    },
    {
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${onEventId}.Arn>:*]`,
      reason: 'The Provider framework may invoke any version of its one event handler, and nothing else.',
    },
  );
  return provider;
}
