import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { config } from '../platform/config';
import { ServiceUnavailableError } from '../platform/errors';

/** Starts a deployment's workflow somewhere else and returns at once. */
export type DeploymentLauncher = (deploymentId: string) => Promise<void>;

let provided: DeploymentLauncher | undefined;
let sfn: SFNClient | undefined;

/**
 * Where deployments run when no state machine is configured: the local runtime and the tests run
 * the workflow in their own process. The route's function never carries the workflow itself.
 */
export function provideDeploymentLauncher(launcher: DeploymentLauncher | undefined): void {
  provided = launcher;
}

/** In AWS: one Step Functions execution per deployment, named after it (a second start is refused). */
const startExecution =
  (stateMachineArn: string): DeploymentLauncher =>
  async (deploymentId) => {
    sfn ??= new SFNClient({});
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        name: deploymentId,
        input: JSON.stringify({ deployment_id: deploymentId }),
      }),
    );
  };

export function deploymentLauncher(): DeploymentLauncher {
  const arn = config().DEPLOYMENT_STATE_MACHINE_ARN;
  const launch = arn ? startExecution(arn) : provided;
  if (!launch) {
    throw new ServiceUnavailableError(
      'Delivery to routers is off in this deployment: it needs the delivery VPC (see the README, deliverySubnetIds)',
    );
  }
  return launch;
}
