import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprintOfPublicKeyLine } from '../lab/sshd';

/**
 * A real NETCONF server for tests: yuma123's netconfd (candidate and running datastores, confirmed
 * commit 1.0 and 1.1, validate) behind an sshd of its own on loopback whose `netconf` subsystem is
 * yuma's netconf-subsystem. Every file lives in one scratch folder that `stop` removes.
 */

export interface NetconfServer {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly privateKey: string;
  readonly privateKeyPath: string;
  readonly hostKeySha256: string;
  /** netconfd's log. */
  readonly logFile: string;
  stop(): Promise<void>;
}

const NEEDS = ['/usr/sbin/netconfd', '/usr/sbin/netconf-subsystem', '/usr/sbin/sshd', '/usr/bin/ssh-keygen'];

/** Why the server cannot run here, or null when it can. */
export function netconfSkipReason(): string | null {
  if (process.platform !== 'linux') return 'the NETCONF server tests need Linux';
  if (process.getuid?.() !== 0) return 'the NETCONF server tests need root (sshd logs in as root)';
  const missing = NEEDS.filter((b) => !existsSync(b));
  if (missing.length > 0)
    return `the NETCONF server tests miss ${missing.join(', ')} (apt-get install netconfd openssh-server)`;
  return null;
}

/** True when the server can run; otherwise skipped with the reason, or an error under CI=true. */
export function netconfAvailable(): boolean {
  const reason = netconfSkipReason();
  if (reason === null) return true;
  if (process.env.CI === 'true') throw new Error(`${reason}: these tests are mandatory under CI`);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
  return false;
}

/** ncclient (Debian's python3-ncclient) for the reference client, or why not. */
export function ncclientSkipReason(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import ncclient'], { stdio: 'ignore' });
  return r.status === 0 ? null : 'python3-ncclient is not installed (apt-get install python3-ncclient)';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`${what} did not come up within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function keygen(path: string): void {
  const r = spawnSync('/usr/bin/ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'pfnetconf',
    '-f',
    path,
  ]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts netconfd with `modules` loaded (beyond its own) and an sshd in front of it. netconfd only
 * takes sessions whose SSH port is one of its `--port`s: it is told the sshd's.
 */
export async function startNetconfServer(
  modules: readonly string[] = ['ietf-interfaces', 'iana-if-type'],
): Promise<NetconfServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-netconf-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const port = await freePort();
    const socket = join(dir, 'ncxserver.sock');
    const logFile = join(dir, 'netconfd.log');
    const home = join(dir, 'home');
    mkdirSync(home);
    const netconfd = spawn(
      '/usr/sbin/netconfd',
      [
        '--no-startup',
        `--port=${port}`,
        `--ncxserver-sockname=${socket}`,
        '--superuser=root',
        `--log=${logFile}`,
        '--log-level=info',
        ...modules.map((m) => `--module=${m}`),
      ],
      // netconfd writes its confirmed-commit backup (backup-cfg.xml) in its working folder.
      { cwd: dir, env: { ...process.env, HOME: home }, stdio: 'ignore' },
    );
    children.push(netconfd);
    await waitUntil('netconfd', () => existsSync(socket));

    const hostKey = join(dir, 'host_ed25519');
    const clientKey = join(dir, 'client_ed25519');
    keygen(hostKey);
    keygen(clientKey);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`), { mode: 0o600 });
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'PrintMotd no',
        // netconf-subsystem takes `<ssh port>@<socket>`: the socket netconfd serves sessions of that port on.
        `Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=${port}@${socket}`,
        '',
      ].join('\n'),
    );
    const sshd = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: 'ignore' });
    children.push(sshd);
    await waitUntil('sshd', () => portOpen(port));
    return {
      host: '127.0.0.1',
      port,
      username: 'root',
      privateKey: readFileSync(clientKey, 'utf8'),
      privateKeyPath: clientKey,
      hostKeySha256: fingerprintOfPublicKeyLine(readFileSync(`${hostKey}.pub`, 'utf8')),
      logFile,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
