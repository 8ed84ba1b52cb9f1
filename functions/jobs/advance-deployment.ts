import { advanceDeployment, provideDeliveryPorts } from '../../shared/deployments';
import { DELIVERY_PORTS } from '../../shared/app/delivery';
import { publishToEventBridge } from '../../shared/app/eventbridge-publisher';
import { inLogScope } from '../../shared/platform/logger';

provideDeliveryPorts(DELIVERY_PORTS);
// A deployment's end is an event (deployment.finished).
publishToEventBridge();

/**
 * One step of a deployment, called by its state machine: the machine waits `wait_seconds` between
 * steps and stops when `done`, so no Lambda sleeps through a verification.
 */
export async function handler(event: { deployment_id: string }) {
  const step = await inLogScope({ operation: 'deployment', deployment_id: event.deployment_id }, () =>
    advanceDeployment(event.deployment_id),
  );
  return { deployment_id: event.deployment_id, ...step };
}
