import {
  applyAndRead,
  type DeviceDriver,
  deviceDriver,
  type DeviceTransport,
  gobgpGrpcDriver,
  surveyDevice,
  isGobgpGrpcTransport,
  openEapiTransport,
  openGobgpGrpcTransport,
  openNetconfTransport,
  openSshTransport,
} from '../devices';
import {
  type DeliveryPorts,
  provideDeliveryPorts,
  provideDeploymentLauncher,
  runDeploymentHere,
  type StoredConnection,
} from '../deployments';
import type { Platform } from '../config-render';
import { inLogScope, logger } from '../platform/logger';

/**
 * A GoBGP router is reached over SSH (its TOML file and SIGHUP) or over its gRPC API: the driver
 * follows the connection the deployment opened.
 */
function byTransport(ssh: DeviceDriver, grpc: DeviceDriver): DeviceDriver {
  const pick = (t: DeviceTransport) => (isGobgpGrpcTransport(t) ? grpc : ssh);
  return {
    platform: ssh.platform,
    identity: (t, o, steps) => pick(t).identity(t, o, steps),
    readManaged: (t, o, steps) => pick(t).readManaged(t, o, steps),
    survey: async (t, o, steps) => {
      const driver = pick(t);
      return driver.survey ? driver.survey(t, o, steps) : surveyDevice(driver, t, o, steps);
    },
    validate: (t, o, candidate, steps, survey) => pick(t).validate(t, o, candidate, steps, survey),
    apply: (t, o, confirmSeconds, steps) => pick(t).apply(t, o, confirmSeconds, steps),
    applyAndRead: (t, o, confirmSeconds, applySteps, readSteps) =>
      applyAndRead(pick(t), t, o, confirmSeconds, applySteps, readSteps),
    confirm: (t, o, steps) => pick(t).confirm(t, o, steps),
    rollback: (t, o, steps) => pick(t).rollback(t, o, steps),
    neighbors: (t, o, steps) => pick(t).neighbors(t, o, steps),
  };
}

function driverFor(platform: Platform): DeviceDriver | null {
  const driver = deviceDriver(platform);
  if (driver && platform === gobgpGrpcDriver.platform) return byTransport(driver, gobgpGrpcDriver);
  return driver;
}

/**
 * Opens the connection's transport: SSH commands (the daemons, IOS), NETCONF over SSH (Junos, IOS
 * XR), eAPI over HTTPS with the certificate pinned (EOS; `host_key_sha256` holds the certificate's
 * fingerprint), or GoBGP's gRPC API over TLS.
 */
async function openTransport(connection: StoredConnection, secret: string): Promise<DeviceTransport> {
  if (connection.transport === 'grpc') {
    return openGobgpGrpcTransport({
      host: connection.host,
      port: connection.port,
      certificateSha256: connection.host_key_sha256,
      apiVersion: connection.options.api_version ?? 'v3',
      ...(connection.secret_kind === 'client_key' && connection.client_certificate !== undefined
        ? { clientCertificate: connection.client_certificate, clientKey: secret }
        : {}),
    });
  }
  const ssh = {
    host: connection.host,
    port: connection.port,
    username: connection.username ?? '',
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
        username: connection.username ?? '',
        password: secret,
        certificateSha256: connection.host_key_sha256,
      });
    default:
      return openSshTransport(ssh);
  }
}

/** The device drivers and the transports (SSH, gRPC for GoBGP): what a deployment reaches routers with. */
export const DELIVERY_PORTS: DeliveryPorts = {
  driver: driverFor,
  open: openTransport,
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
