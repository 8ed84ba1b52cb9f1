import { type DeviceTransport, openSshTransport } from '../../shared/devices';
import type { Lab } from './lab';

/** The management transport to a lab's router host, as production reaches a router: SSH, host key pinned. */
export async function routerTransport(lab: Lab): Promise<DeviceTransport> {
  const ssh = lab.router.ssh;
  if (ssh === null) throw new Error(`lab ${lab.name} runs no sshd on its router host`);
  return openSshTransport({
    host: ssh.host,
    port: ssh.port,
    username: ssh.username,
    privateKey: ssh.privateKey,
    hostKeySha256: ssh.hostKeySha256,
    commandTimeoutMs: 120_000,
  });
}
