import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** What a command run by the lab answered. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command the lab needed failed: its argv and what it printed, on one line each. */
export class LabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

/**
 * Runs `argv` to completion and gives back what it printed. Never throws on a non-zero exit; a
 * command still running after `timeoutMs` is killed and answers exit code 124, as timeout(1) does.
 */
export function run(
  argv: readonly string[],
  options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  const [bin, ...args] = argv;
  if (!bin) throw new LabError('empty command');
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 30_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exitCode: 127, stdout: '', stderr: e.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: timedOut ? 124 : (code ?? (signal ? 128 : 1)),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Like `run`, but a non-zero exit is a LabError naming the command and its output. */
export async function runOk(
  argv: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  const result = await run(argv, options);
  if (result.exitCode !== 0) {
    const said = `${result.stderr}${result.stdout}`.trim().replace(/\s+/g, ' ').slice(0, 400);
    throw new LabError(`${argv.join(' ')} exited ${result.exitCode}: ${said}`);
  }
  return result;
}

/** The argv that runs `argv` inside network namespace `ns`. */
export function inNamespace(ns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', ns, ...argv];
}

/**
 * Starts a long-running process inside `ns`, its output appended to `logFile`. The process is not
 * waited for; the caller records its pid and stops it.
 */
export function startInNamespace(ns: string, argv: readonly string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', fd, fd] });
    child.on('error', () => undefined);
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

/** The kernel's start time of process `pid` (clock ticks since boot), or null when it is gone. */
export function processStartTime(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

/** True while the process that had `startTime` still runs under `pid` (a reused pid does not count). */
export function processAlive(pid: number, startTime: number): boolean {
  return processStartTime(pid) === startTime;
}

/** Polls `probe` until it answers a value, or throws with `what` once `timeoutMs` has passed. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value !== null && value !== undefined && value !== false) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new LabError(`${what} not within ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
