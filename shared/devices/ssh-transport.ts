import { constants } from 'node:os';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { type DeviceTransport, DeviceError, type ExecResult } from './device';
import { hostKeyFingerprint, normalizeHostKeyFingerprint } from './host-key';

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password?: string;
  /** A private key in OpenSSH or PEM text. */
  readonly privateKey?: string | Buffer;
  /** The pinned host key: `SHA256:<base64>` as `ssh-keygen -l` prints it, or 64 hex digits. */
  readonly hostKeySha256: string;
  /** How long connecting, the key exchange and authentication may take together (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** How long a command may run when `exec` is not given a timeout (default 60 s). */
  readonly commandTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/** One line saying why the connection failed, with the address and nothing secret. */
function connectionFailure(
  target: SshTarget,
  err: Error & { level?: string; code?: string },
  timeoutMs: number,
) {
  const where = `${target.host}:${target.port}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `SSH connection to ${where} refused`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `SSH host ${where} unreachable`;
    case 'ETIMEDOUT':
      return `SSH connection to ${where} timed out`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `SSH host ${target.host} not found`;
  }
  if (err.level === 'client-timeout') return `SSH connection to ${where} not ready within ${timeoutMs} ms`;
  if (err.level === 'client-authentication')
    return `SSH authentication as ${target.username} at ${where} failed`;
  return `SSH connection to ${where} failed: ${err.message.split('\n')[0]}`;
}

function exitCodeOf(code: number | null, signal: string | undefined): number {
  if (code !== null) return code;
  // Killed by a signal: the shell's convention, 128 + its number.
  const number = signal ? constants.signals[`SIG${signal}` as keyof typeof constants.signals] : undefined;
  return number === undefined ? -1 : 128 + number;
}

/**
 * Asks sshd to send SIGKILL to a command (OpenSSH 7.9+ honours the "signal" channel request for a
 * command session). ssh2's `ClientChannel.signal` sends nothing once standard input has been ended,
 * which `exec` always does first, so the request goes through the channel's protocol object, the
 * one `signal` itself calls (ssh2 is pinned at 1.17). Closing the channel alone would leave the
 * command running on the router: sshd does not kill a command when its channel closes.
 */
function killRemote(stream: ClientChannel): void {
  const channel = stream as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
  };
  const protocol = channel._client?._protocol;
  const id = channel.outgoing?.id;
  if (typeof protocol?.signal !== 'function' || id === undefined) return;
  if (channel.outgoing?.state !== 'open' && channel.outgoing?.state !== 'eof') return;
  try {
    protocol.signal(id, 'KILL');
  } catch {
    // The connection is going away: closing the channel is all that is left to do.
  }
}

/**
 * Connects and authenticates an SSH client with the host key pinned: the key is checked during the
 * key exchange, before any credential is sent. Every failure is a DeviceError with one line of
 * reason. The SSH command transport and the NETCONF client both start here.
 */
export async function connectPinnedSsh(target: SshTarget): Promise<Client> {
  const where = `${target.host}:${target.port}`;
  const pinned = normalizeHostKeyFingerprint(target.hostKeySha256);
  if (pinned === null) {
    throw new DeviceError(`the pinned host key of ${where} is not a SHA-256 fingerprint`);
  }
  const connectTimeoutMs = target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const client = new Client();
  let presented: string | null = null;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error & { level?: string; code?: string }) => {
      client.end();
      if (presented !== null && presented !== pinned) {
        reject(
          new DeviceError(
            `SSH host key of ${where} is ${presented}, not the pinned ${pinned}: connection refused before authentication`,
          ),
        );
      } else {
        reject(new DeviceError(connectionFailure(target, err, connectTimeoutMs)));
      }
    };
    // A host that drops the connection before authentication ends without an error event.
    const dropped = () => fail(Object.assign(new Error('closed by the host'), { level: 'client-socket' }));
    client.once('ready', () => {
      client.off('error', fail);
      client.off('close', dropped);
      resolve();
    });
    client.on('error', fail);
    client.once('close', dropped);
    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.username,
      readyTimeout: connectTimeoutMs,
      tryKeyboard: false,
      hostVerifier: (key: Buffer) => {
        presented = hostKeyFingerprint(key);
        return presented === pinned;
      },
    };
    if (target.password !== undefined) config.password = target.password;
    if (target.privateKey !== undefined) config.privateKey = target.privateKey;
    client.connect(config);
  });
  return client;
}

/**
 * Opens an SSH connection to a router's management address and authenticates. The host key is
 * checked during the key exchange, before any credential is sent: a key whose SHA-256 fingerprint
 * differs from `hostKeySha256` ends the connection with a DeviceError naming both fingerprints.
 * Every failure to connect (refused, unreachable, timeout, authentication) is a DeviceError with one
 * line of reason.
 */
export async function openSshTransport(target: SshTarget): Promise<DeviceTransport> {
  const where = `${target.host}:${target.port}`;
  const client = await connectPinnedSsh(target);
  let closed = false;
  /** Channels in use, so that a lost connection ends their commands with an error. */
  const open = new Set<(reason: string) => void>();

  // After `ready`, a lost connection fails the commands still running.
  client.on('error', () => undefined);
  client.on('close', () => {
    closed = true;
    for (const end of open) end(`the SSH connection to ${where} closed`);
  });

  let closing: Promise<void> | null = null;

  return {
    exec(command, options = {}) {
      const timeoutMs = options.timeoutMs ?? target.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
      return new Promise<ExecResult>((resolve, reject) => {
        if (closed) {
          reject(new DeviceError(`the SSH connection to ${where} is closed`));
          return;
        }
        client.exec(command, (err, stream: ClientChannel) => {
          if (err) {
            reject(new DeviceError(`could not start a command on ${where}: ${err.message.split('\n')[0]}`));
            return;
          }
          const stdout: Buffer[] = [];
          const stderr: Buffer[] = [];
          let code: number | null = null;
          let signal: string | undefined;
          let settled = false;
          const partial = (): ExecResult => ({
            command,
            exitCode: exitCodeOf(code, signal),
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
          });
          const end = (reason: string) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            open.delete(end);
            reject(new DeviceError(reason, [partial()]));
          };
          const timer = setTimeout(() => {
            killRemote(stream);
            stream.close();
            end(`the command did not finish within ${timeoutMs} ms on ${where}`);
          }, timeoutMs);
          open.add(end);
          stream.on('data', (b: Buffer) => stdout.push(b));
          stream.stderr.on('data', (b: Buffer) => stderr.push(b));
          stream.on('exit', (c: number | null, s?: string) => {
            code = c;
            signal = s;
          });
          stream.on('close', () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            open.delete(end);
            resolve(partial());
          });
          stream.on('error', (e: Error) =>
            end(`the command failed on ${where}: ${e.message.split('\n')[0]}`),
          );
          stream.end(options.input ?? '');
        });
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        if (closed) {
          resolve();
          return;
        }
        const done = setTimeout(() => {
          client.destroy();
          resolve();
        }, 2000);
        client.once('close', () => {
          clearTimeout(done);
          resolve();
        });
        client.end();
      });
      return closing;
    },
  };
}
