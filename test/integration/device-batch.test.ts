import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceError, type DeviceOptions, type DeviceStep, type DeviceTransport } from '../../shared/devices';
import { Remote } from '../../shared/devices/drivers/remote';

/**
 * A batch of device commands in one round trip, run by a real POSIX shell on this machine as an
 * SSH server runs an exec (`sh -c <command line>`, the batch's script on standard input).
 */
const dir = mkdtempSync(join(tmpdir(), 'peerflow-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function localShell(): DeviceTransport & { execs: string[] } {
  const execs: string[] = [];
  return {
    execs,
    exec(command, options = {}) {
      execs.push(command);
      return new Promise((resolve) => {
        const child = spawn('sh', ['-c', command], { cwd: dir });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString('utf8')));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
        child.on('close', (code) => resolve({ command, exitCode: code ?? 1, stdout, stderr }));
        child.stdin.on('error', () => undefined);
        child.stdin.end(options.input ?? '');
      });
    },
    async close() {},
  };
}

const options: DeviceOptions = {
  managedPath: join(dir, 'managed.conf'),
  mainConfigPath: join(dir, 'main.conf'),
  basePath: null,
  controlSocket: null,
  sudo: false,
};

/**
 * Contents a shell could misread: quotes, expansions, a would-be end of here-document, no final
 * newline, and one larger than a pipe's buffer.
 */
const TRICKY = [
  "it's $(touch pwned) `id` ${HOME}\n",
  'EOF\nx\n\n\n',
  'no final newline',
  '',
  '\\ back\\slash \t tab\r\n',
  `${'protocol bgp p { neighbor 192.0.2.1 as 64496; password "$x"; }\n'.repeat(3000)}`,
];

describe('Remote.batch', () => {
  it('runs every command in one round trip and records each as if run alone', async () => {
    const t = localShell();
    const steps: DeviceStep[] = [];
    const r = new Remote(t, options, steps);
    const paths = TRICKY.map((_, i) => join(dir, `file-${i}`));
    const results = await r.batch([
      ...TRICKY.map((content, i) => ({ line: r.writeFileLine(paths[i]!, []), input: content })),
      { line: r.line(['sh', '-c', 'echo out; echo err >&2; exit 3']) },
      ...paths.map((p) => ({ line: r.readFileLine(p) })),
      { line: r.readFileLine(join(dir, 'nothing-here')) },
      // A command that reads standard input gets nothing, not the rest of the batch.
      { line: r.line(['cat']) },
    ]);
    expect(t.execs).toEqual(['sh -s']);
    expect(results).toHaveLength(TRICKY.length * 2 + 3);
    expect(steps).toEqual(results);
    TRICKY.forEach((content, i) => {
      expect(readFileSync(paths[i]!, 'utf8')).toBe(content);
      expect(statSync(paths[i]!).mode & 0o777).toBe(0o600);
      expect(r.fileOf(results[TRICKY.length + 1 + i], paths[i]!)).toBe(content);
    });
    expect(results[TRICKY.length]).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(results[TRICKY.length]!.command).toBe(`sh -c 'echo out; echo err >&2; exit 3'`);
    expect(r.fileOf(results[TRICKY.length * 2 + 1], 'nothing-here')).toBeNull();
    expect(results[TRICKY.length * 2 + 2]).toMatchObject({ exitCode: 0, stdout: '' });
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    // File contents went to standard input only: no recorded command line holds them.
    expect(steps.map((s) => s.command).join('\n')).not.toContain('touch pwned');
  });

  it('runs the scripts of its own `sh -c` lines in the batch, without another shell', async () => {
    const r = new Remote(localShell(), options, []);
    const results = await r.batch([
      { line: r.shLine('echo $$') },
      { line: r.shLine('echo $$; exit 4') },
      { line: r.line(['sh', '-c', 'echo $$; :']) },
    ]);
    const [first, second, apart] = results.map((x) => x.stdout);
    // The first two ran in subshells of the batch's shell (whose $$ they keep); the last in a shell of its own.
    expect(second).toBe(first);
    expect(apart).not.toBe(first);
    expect(results.map((x) => x.exitCode)).toEqual([0, 4, 0]);
    expect(results[0]!.command).toBe(`sh -c 'echo $$'`);
  });

  it('stops after a command that fails or lacks the line it must print', async () => {
    const r = new Remote(localShell(), options, []);
    const marker = join(dir, 'never-written');
    const failed = await r.batch([
      { line: r.line(['false']), requireOk: true },
      { line: r.writeFileLine(marker, []), input: 'x' },
    ]);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.exitCode).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(() => r.checked(failed[1], 'Writing')).toThrow(/did not run/);

    const unconfirmed = await r.batch([
      {
        line: r.line(['printf', 'BIRD 2 ready.\nNothing to do\n']),
        requireLine: 'Reconfiguration confirmed',
      },
      { line: r.writeFileLine(marker, []), input: 'x' },
    ]);
    expect(unconfirmed).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);

    const confirmed = await r.batch([
      {
        line: r.line(['printf', 'BIRD 2 ready.\n  Reconfiguration confirmed \r\n']),
        requireLine: 'Reconfiguration confirmed',
      },
      { line: r.writeFileLine(marker, []), input: 'x' },
    ]);
    expect(confirmed).toHaveLength(2);
    expect(readFileSync(marker, 'utf8')).toBe('x');

    // The line looked for in what a command printed from its own input.
    const echoed = await r.batch([
      {
        line: r.line(['cat']),
        input: 'Reconfiguration confirmed\n',
        requireLine: 'Reconfiguration confirmed',
      },
      { line: r.line(['cat']), input: 'Nothing to do', requireLine: 'Reconfiguration confirmed' },
      { line: r.writeFileLine(marker, []), input: 'y' },
    ]);
    expect(echoed.map((e) => e.stdout)).toEqual(['Reconfiguration confirmed\n', 'Nothing to do']);
    expect(readFileSync(marker, 'utf8')).toBe('x');
    // The line itself, blanks aside: not a line that holds more.
    const more = await r.batch([
      {
        line: r.line(['cat']),
        input: 'not Reconfiguration confirmed\n',
        requireLine: 'Reconfiguration confirmed',
      },
      { line: r.writeFileLine(marker, []), input: 'z' },
    ]);
    expect(more).toHaveLength(1);
    expect(readFileSync(marker, 'utf8')).toBe('x');
  });

  it('says so when the device cannot run the batch at all', async () => {
    const broken: DeviceTransport = {
      exec: async (command) => ({ command, exitCode: 127, stdout: '', stderr: 'sh: not found' }),
      close: async () => {},
    };
    const steps: DeviceStep[] = [];
    const err = await new Remote(broken, options, steps).batch([{ line: 'true' }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).message).toMatch(/did not run the commands \(exit 127\): sh: not found/);
    expect(steps).toHaveLength(1);
  });

  it('keeps the commands that ran when the connection is lost mid-way', async () => {
    const t = localShell();
    const lost: DeviceTransport = {
      exec: async (command, o) => {
        const whole = await t.exec(command, o);
        throw new DeviceError('the SSH connection closed', [whole]);
      },
      close: async () => {},
    };
    const steps: DeviceStep[] = [];
    const r = new Remote(lost, options, steps);
    writeFileSync(join(dir, 'present'), 'here');
    const err = await r.batch([{ line: r.readFileLine(join(dir, 'present')) }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as DeviceError).steps).toEqual([
      expect.objectContaining({ command: r.readFileLine(join(dir, 'present')), stdout: 'here' }),
    ]);
  });
});
