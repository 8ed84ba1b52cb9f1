import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { runOk, startInNamespace, waitFor } from './system';

/** How a test reaches the router host's sshd: what `openSshTransport` takes. */
export interface LabSsh {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  /** The client's private key, OpenSSH text. */
  readonly privateKey: string;
  /** The client's public key line, as in authorized_keys. */
  readonly publicKey: string;
  /** The host key's fingerprint as `ssh-keygen -l` prints it: `SHA256:<base64, no padding>`. */
  readonly hostKeySha256: string;
  /** The host's public key file (`ssh-keygen -lf` reads it). */
  readonly hostPublicKeyPath: string;
  /** sshd's own log (`LogLevel VERBOSE`): the logins it saw. */
  readonly logFile: string;
}

/** SHA-256 of an OpenSSH public key line's key blob, in OpenSSH's notation. */
export function fingerprintOfPublicKeyLine(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob) throw new Error('not an OpenSSH public key line');
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

async function generateKey(path: string): Promise<void> {
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'pflab', '-f', path]);
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/**
 * sshd in the router's namespace, on its management address only: a host key and a client key
 * made for this lab, root by key only, every file of its own under `dir`.
 */
export async function startSshd(
  ns: string,
  dir: string,
  address: string,
  port = 22,
): Promise<{ ssh: LabSsh; pid: number }> {
  mkdirSync(dir, { recursive: true });
  // sshd's privilege separation needs this folder, whatever the config says.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'ssh_host_ed25519_key');
  const clientKey = join(dir, 'client_ed25519');
  await Promise.all([generateKey(hostKey), generateKey(clientKey)]);
  const publicKey = readFileSync(`${clientKey}.pub`, 'utf8').trim();
  writeFileSync(join(dir, 'authorized_keys'), `${publicKey}\n`, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${address}:${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PrintMotd no',
      'MaxStartups 50',
      'MaxSessions 50',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const logFile = join(dir, 'sshd.log');
  // The router host has a home of its own for root: this machine's dotfiles (which a login shell
  // reads) stay out of the lab. The bind mount lives in the mount namespace `ip netns exec` gives
  // sshd alone (its mounts do not propagate back).
  const home = join(dir, 'root-home');
  mkdirSync(home, { mode: 0o700 });
  // -D: stays in the foreground (exec keeps the pid the one started here); -e: logs to the log file.
  const child = startInNamespace(
    ns,
    ['sh', '-c', 'mount --bind "$0" /root && exec /usr/sbin/sshd -D -e -f "$1"', home, config],
    logFile,
  );
  if (child.pid === undefined) throw new Error('sshd did not start');
  await waitFor(`sshd on ${address}:${port}`, () => portOpen(address, port), 10_000, 100);
  const hostKeySha256 = fingerprintOfPublicKeyLine(readFileSync(`${hostKey}.pub`, 'utf8'));
  return {
    ssh: {
      host: address,
      port,
      username: 'root',
      privateKey: readFileSync(clientKey, 'utf8'),
      publicKey,
      hostKeySha256,
      hostPublicKeyPath: `${hostKey}.pub`,
      logFile,
    },
    pid: child.pid,
  };
}
