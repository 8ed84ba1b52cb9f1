import { spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DeviceError,
  type DeviceOptions,
  type DeviceStep,
  type DeviceTransport,
  shellLine,
  shellQuote,
} from '../../shared/devices';
import { Remote } from '../../shared/devices/drivers/remote';

/**
 * What every driver's commands stand on, run by a real POSIX shell on this machine (the same
 * `sh -c <command line>` an SSH server runs): quoting, file contents through standard input, the
 * files kept beside the managed ones, `sudo -n`. This machine has no sudo: a `sudo` on PATH that
 * drops `-n` and runs the rest stands in for it.
 */
const dir = mkdtempSync(join(tmpdir(), 'peerflow-remote-'));
const shim = join(dir, 'bin');

function localShell(extraPath: string | null): DeviceTransport {
  return {
    exec(command, options = {}) {
      return new Promise((resolve) => {
        const env = {
          ...process.env,
          PATH: extraPath ? `${extraPath}:${process.env.PATH}` : process.env.PATH,
        };
        const child = spawn('sh', ['-c', command], { env, cwd: dir });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
        child.on('close', (code) => resolve({ command, exitCode: code ?? 1, stdout, stderr }));
        // A command that reads no input may exit before its input is written.
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input ?? '');
      });
    },
    async close() {},
  };
}

const options = (over: Partial<DeviceOptions> = {}): DeviceOptions => ({
  managedPath: join(dir, 'managed.conf'),
  mainConfigPath: join(dir, 'main.conf'),
  basePath: null,
  controlSocket: null,
  sudo: false,
  ...over,
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TRICKY = ["it's", 'a b', '$(touch pwned)', '`id`', '"q"', 'semi;colon', 'new\nline', '', '*', '-n'];

describe('shell quoting', () => {
  it('gives the shell back every value as one word, untouched', async () => {
    const t = localShell(null);
    for (const value of TRICKY) {
      const r = await t.exec(shellLine(['printf', '%s', value]));
      expect(r.stdout).toBe(value);
    }
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('leaves plain words bare', () => {
    expect(shellQuote('/etc/bird/peerflow.conf')).toBe('/etc/bird/peerflow.conf');
    expect(shellQuote('127.0.0.1:50051')).toBe('127.0.0.1:50051');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('Remote', () => {
  it('writes contents through standard input, never on the command line', async () => {
    const steps: DeviceStep[] = [];
    const r = new Remote(localShell(null), options(), steps);
    const content = TRICKY.join('\n');
    const path = join(dir, 'written.conf');
    await r.writeFile(path, content, []);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(await r.readFile(path)).toBe(content);
    expect(steps.map((s) => s.command).join('\n')).not.toContain('$(touch pwned)');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('gives a new file the mode of the file it stands beside, or 0600', async () => {
    const r = new Remote(localShell(null), options(), []);
    const like = join(dir, 'daemon-readable.conf');
    writeFileSync(like, 'x');
    chmodSync(like, 0o640);
    await r.writeFile(join(dir, 'beside.conf'), 'secret', [join(dir, 'missing.conf'), like]);
    expect(statSync(join(dir, 'beside.conf')).mode & 0o777).toBe(0o640);
    await r.writeFile(join(dir, 'alone.conf'), 'secret', [join(dir, 'missing.conf')]);
    expect(statSync(join(dir, 'alone.conf')).mode & 0o777).toBe(0o600);
  });

  it('reads a missing file as null, saves a missing file as an empty copy, moves and removes', async () => {
    const steps: DeviceStep[] = [];
    const r = new Remote(localShell(null), options(), steps);
    expect(await r.readFile(join(dir, 'nothing-here'))).toBeNull();
    await r.saveCopy(join(dir, 'nothing-here'), join(dir, 'saved'));
    expect(readFileSync(join(dir, 'saved'), 'utf8')).toBe('');
    await r.writeFile(join(dir, 'a'), 'A', []);
    await r.move([[join(dir, 'a'), join(dir, 'b')]]);
    expect(await r.allExist([join(dir, 'b')])).toBe(true);
    expect(await r.allExist([join(dir, 'a'), join(dir, 'b')])).toBe(false);
    await r.remove([join(dir, 'b'), join(dir, 'never-was')]);
    expect(existsSync(join(dir, 'b'))).toBe(false);
    // Every command is in the steps, in order, with its answer.
    expect(steps).toHaveLength(7);
    expect(steps[0]!.exitCode).toBe(66);
  });

  it('prefixes every command with sudo -n when the host asks for it', async () => {
    mkdirSync(shim, { recursive: true });
    writeFileSync(join(shim, 'sudo'), '#!/bin/sh\n[ "$1" = -n ] || exit 99\nshift\nexec "$@"\n');
    chmodSync(join(shim, 'sudo'), 0o755);
    const steps: DeviceStep[] = [];
    const r = new Remote(localShell(shim), options({ sudo: true }), steps);
    await r.writeFile(join(dir, 'as-root.conf'), 'content', []);
    expect(await r.readFile(join(dir, 'as-root.conf'))).toBe('content');
    expect(steps.every((s) => s.command.startsWith('sudo -n '))).toBe(true);
  });

  it('turns a failed command into a DeviceError carrying the steps', async () => {
    const r = new Remote(localShell(null), options(), []);
    const err = await r.ok(['false'], 'false').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).message).toMatch(/^false failed \(exit 1\)/);
    expect((err as DeviceError).steps).toHaveLength(1);
  });

  it('refuses paths a config file string or a shell could misread', () => {
    for (const managedPath of ['relative.conf', '/etc/bird/"x".conf', '/etc/bird/a\nb', '/etc/../shadow']) {
      expect(() => new Remote(localShell(null), options({ managedPath }), [])).toThrow(DeviceError);
    }
  });
});
