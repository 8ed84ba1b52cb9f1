import { deviceDriver, openEapiTransport, openNetconfTransport, openSshTransport } from '../devices';
import {
  type DeliveryPorts,
  provideDeliveryPorts,
  provideDeploymentLauncher,
  runDeploymentHere,
} from '../deployments';
import { inLogScope, logger } from '../platform/logger';

/**
 * The device drivers and the transports: what a deployment reaches routers with. The connection's
 * transport picks one: SSH commands (the daemons, IOS), NETCONF over SSH (Junos, IOS XR), eAPI over
 * HTTPS with the certificate pinned (EOS; `host_key_sha256` holds the certificate's fingerprint).
 */
export const DELIVERY_PORTS: DeliveryPorts = {
  driver: deviceDriver,
  open: async (connection, secret) => {
    const ssh = {
      host: connection.host,
      port: connection.port,
      username: connection.username,
      ...(connection.secret_kind === 'password' ? { password: secret } : { privateKey: secret }),
      hostKeySha256: connection.host_key_sha256,
    };
    switch (connection.transport) {
      case 'netconf':
        return openNetconfTransport(ssh);
      case 'eapi':
        return openEapiTransport({
          host: connection.host,
          port: connection.port,
          username: connection.username,
          password: secret,
          certificateSha256: connection.host_key_sha256,
        });
      default:
        return openSshTransport(ssh);
    }
  },
};

/** Deployments started in this process that have not ended. */
const running = new Set<Promise<unknown>>();

/**
 * Deployments run in this process (the local runtime, the tests): the same workflow the state
 * machine drives in AWS, its waits as timers.
 */
export function runDeploymentsHere(): void {
  provideDeliveryPorts(DELIVERY_PORTS);
  provideDeploymentLauncher(async (id) => {
    const run = inLogScope({ operation: 'deployment', deployment_id: id }, () => runDeploymentHere(id))
      .catch((err) =>
        logger.error('deployment did not run', { deployment_id: id, error: (err as Error).message }),
      )
      .finally(() => running.delete(run));
    running.add(run);
  });
}

/** Waits for every deployment started here to end. */
export async function deploymentsSettled(): Promise<void> {
  while (running.size > 0) await Promise.all([...running]);
}
