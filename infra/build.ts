import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RouteContract } from '../shared/platform/http/contract';
import { routes as routeTable } from '../shared/app/route-table';
import { readDeploymentContext } from './context';
import { PeerflowStack } from './stacks/peerflow-stack';

/**
 * The whole app on a given `App`: read and check the context, build the customer's stack, and run
 * the AWS Solutions checks so that a finding nobody acknowledged stops the synth. The routes are the
 * route table's unless others are given (to measure the stack with routes still to come).
 */
export function buildPeerflow(app: App, routes: readonly RouteContract[] = routeTable): PeerflowStack {
  const deployment = readDeploymentContext(app.node);
  const stack = new PeerflowStack(app, `peerflow-${deployment.customer}`, {
    deployment,
    routes,
    description: `peerflow for ${deployment.customer}`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  Tags.of(stack).add('peerflow:customer', deployment.customer);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
