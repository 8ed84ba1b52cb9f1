import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError, type DeviceTransport, openSshTransport } from '../../shared/devices';
import { createLab, type Lab, type LabSsh, labAvailable, run } from '../support/lab';

/**
 * The SSH transport against a real sshd: the one of a lab's router host, in its namespace, reached
 * over the lab's management link.
 */
describe.skipIf(!labAvailable(['bird2', 'gobgp']))('the SSH transport', () => {
  let lab: Lab;
  let ssh: LabSsh;
  const opened: DeviceTransport[] = [];

  beforeAll(async () => {
    lab = await createLab({ router: 'bird2' });
    ssh = lab.router.ssh!;
  }, 60_000);

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((t) => t.close()));
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  async function connect(overrides: Partial<Parameters<typeof openSshTransport>[0]> = {}) {
    const t = await openSshTransport({
      host: ssh.host,
      port: ssh.port,
      username: ssh.username,
      privateKey: ssh.privateKey,
      hostKeySha256: ssh.hostKeySha256,
      ...overrides,
    });
    opened.push(t);
    return t;
  }

  async function failure(promise: Promise<unknown>): Promise<DeviceError> {
    const err = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DeviceError);
    const message = (err as DeviceError).message;
    expect(message).not.toContain('\n');
    expect(message).not.toContain('PRIVATE KEY');
    return err as DeviceError;
  }

  const acceptedLogins = () => readFileSync(ssh.logFile, 'utf8').split('Accepted publickey').length - 1;

  it('gives back stdout, stderr and the exit status, and never throws on a non-zero exit', async () => {
    const t = await connect();
    expect(await t.exec('echo out; echo err >&2; exit 3')).toEqual({
      command: 'echo out; echo err >&2; exit 3',
      exitCode: 3,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    expect(await t.exec('true')).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('runs on the router host, where the daemon CLI answers', async () => {
    const t = await connect();
    const addr = await t.exec('ip -brief addr show dev mgmt0');
    expect(addr.stdout).toContain(lab.router.mgmt.address);
    const status = await t.exec(`${lab.router.daemon.cliCommand.join(' ')} show status`);
    expect(status).toMatchObject({ exitCode: 0 });
    expect(status.stdout).toContain('Daemon is up');
  });

  it('writes the input to standard input and ends it', async () => {
    const t = await connect();
    expect((await t.exec('cat', { input: 'line one\nline two\n' })).stdout).toBe('line one\nline two\n');
    // Larger than any channel window: every byte arrives, then end of file.
    const big = randomBytes(300_000).toString('base64');
    const digest = createHash('sha256').update(big).digest('hex');
    const r = await t.exec('sha256sum', { input: big });
    expect(r.stdout.split(' ')[0]).toBe(digest);
    // Without input, standard input is at its end at once (no command waits for it).
    expect((await t.exec('wc -c')).stdout.trim()).toBe('0');
  });

  it('runs commands side by side on one connection', async () => {
    const t = await connect();
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => t.exec(`echo ${n}; exit ${n}`)));
    expect(results.map((r) => [r.stdout.trim(), r.exitCode])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`${n}`, n]),
    );
  });

  it('pins the fingerprint ssh-keygen prints for the lab host key', async () => {
    const printed = await run(['ssh-keygen', '-l', '-E', 'sha256', '-f', ssh.hostPublicKeyPath]);
    expect(printed.stdout.split(' ')[1]).toBe(ssh.hostKeySha256);
  });

  it('accepts the pinned fingerprint as 64 hex digits as well', async () => {
    const hex = Buffer.from(ssh.hostKeySha256.slice('SHA256:'.length), 'base64').toString('hex');
    const t = await connect({ hostKeySha256: hex.toUpperCase() });
    expect((await t.exec('echo ok')).stdout).toBe('ok\n');
  });

  it('refuses a host whose key is not the pinned one, before authenticating, naming both keys', async () => {
    const before = acceptedLogins();
    const wrong = `SHA256:${createHash('sha256').update('another key').digest('base64').replace(/=+$/, '')}`;
    const marker = join(lab.scratch, 'should-not-exist');
    const attempt = connect({ hostKeySha256: wrong }).then((t) => t.exec(`touch ${marker}`));
    const err = await failure(attempt);
    expect(err.message).toContain(ssh.hostKeySha256);
    expect(err.message).toContain(wrong);
    expect(existsSync(marker)).toBe(false);
    // sshd saw no login at all: the client stopped during the key exchange.
    expect(acceptedLogins()).toBe(before);
  });

  it('refuses a fingerprint that is not one', async () => {
    const err = await failure(connect({ hostKeySha256: 'SHA256:not-a-fingerprint' }));
    expect(err.message).toMatch(/not a SHA-256 fingerprint/);
  });

  it('fails with a one-line reason when the key is not authorized', async () => {
    const other = utils.generateKeyPairSync('ed25519');
    const err = await failure(connect({ privateKey: other.private }));
    expect(err.message).toBe(`SSH authentication as root at ${ssh.host}:${ssh.port} failed`);
  });

  it('fails when nothing listens on the port', async () => {
    const err = await failure(connect({ port: 2222, connectTimeoutMs: 5000 }));
    expect(err.message).toBe(`SSH connection to ${ssh.host}:2222 refused`);
  });

  it('fails within the connect timeout when the address does not answer', async () => {
    const host = lab.router.mgmt.unused;
    const err = await failure(connect({ host, connectTimeoutMs: 1500 }));
    expect(err.message).toMatch(new RegExp(`^SSH (connection to|host) ${host.replace(/\./g, '\\.')}:22 `));
  });

  it('fails when the host closes the connection before it is ready', async () => {
    // A listener at the root end of the lab's management link that hangs up on every connection.
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, lab.router.mgmt.gateway, resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const err = await failure(connect({ host: lab.router.mgmt.gateway, port, connectTimeoutMs: 5000 }));
      expect(err.message).toMatch(
        new RegExp(
          `^SSH connection to ${lab.router.mgmt.gateway.replace(/\./g, '\\.')}:${port} failed: .*(lost|closed)`,
          'i',
        ),
      );
    } finally {
      server.close();
    }
  });

  it('fails the running command, then every later one, when the connection is lost', async () => {
    const t = await connect();
    // The shell's parent is sshd's process for this connection (root sessions have no monitor).
    const err = await failure(t.exec('kill -9 $PPID; sleep 10'));
    expect(err.message).toBe(`the SSH connection to ${ssh.host}:${ssh.port} closed`);
    expect((await failure(t.exec('true'))).message).toMatch(/is closed$/);
    await t.close();
  });

  it('gives up on a command that outlives its timeout, closes its channel and stays usable', async () => {
    const t = await connect();
    const pidFile = join(lab.scratch, 'long-command.pid');
    // Silent past the timeout, then writing: once the channel is closed, its output has no reader.
    const command = `echo $$ > ${pidFile}; sleep 3; while :; do echo tick; sleep 0.2; done`;
    const err = await failure(t.exec(command, { timeoutMs: 1500 }));
    expect(err.message).toBe(`the command did not finish within 1500 ms on ${ssh.host}:${ssh.port}`);
    expect(err.steps).toEqual([{ command, exitCode: -1, stdout: '', stderr: '' }]);
    // sshd closed the command's output with the channel: its next write kills it (SIGPIPE). (sshd
    // does not honour the kill signal the transport also sends for a root session.)
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const deadline = Date.now() + 15_000;
    while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    expect((await t.exec('echo still here')).stdout).toBe('still here\n');
  });

  it('closes idempotently, and refuses commands once closed', async () => {
    const t = await connect();
    await t.close();
    await t.close();
    const err = await failure(t.exec('true'));
    expect(err.message).toMatch(/closed/);
  });

  it('reaches the lab host only over the management link', async () => {
    const r = await run(['ip', '-j', 'route', 'get', ssh.host]);
    expect(JSON.parse(r.stdout)[0].dev).toBe(lab.router.mgmt.link);
  });
});
