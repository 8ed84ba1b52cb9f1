import {
  DeviceError,
  type DeviceOptions,
  type DeviceStep,
  type DeviceTransport,
  type ExecResult,
} from '../device';
import { isSafeDevicePath, shellLine, shellQuote } from '../shell';

/** The exit status `readFile` uses for "no such file" (any other failure is an error). */
const ABSENT = 66;

/**
 * One driver call's access to the device: every command goes through the transport, with
 * `sudo -n` when the host asks for it, and is recorded in `steps` in the order it ran.
 */
export class Remote {
  constructor(
    private readonly t: DeviceTransport,
    readonly o: DeviceOptions,
    readonly steps: DeviceStep[],
  ) {
    for (const [name, path] of [
      ['managedPath', o.managedPath],
      ['mainConfigPath', o.mainConfigPath],
      ['basePath', o.basePath],
    ] as const) {
      if (path !== null && !isSafeDevicePath(path)) {
        throw new DeviceError(`${name} ${JSON.stringify(path)} is not a plain absolute path`);
      }
    }
  }

  /** Runs one command, its words quoted. Never throws on a non-zero exit. */
  run(argv: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.exec(shellLine(this.o.sudo ? ['sudo', '-n', ...argv] : argv), options);
  }

  /** Runs a POSIX sh script (its values already quoted with `shellQuote`). Never throws on a non-zero exit. */
  sh(script: string, options: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.run(['sh', '-c', script], options);
  }

  /** Like `run`, but a non-zero exit is a `DeviceError` saying what failed. */
  async ok(argv: readonly string[], what: string, options: { input?: string; timeoutMs?: number } = {}) {
    const result = await this.run(argv, options);
    if (result.exitCode !== 0)
      throw this.error(`${what} failed (exit ${result.exitCode}): ${outputOf(result)}`);
    return result;
  }

  /** Like `sh`, but a non-zero exit is a `DeviceError` saying what failed. */
  async shOk(script: string, what: string, options: { input?: string; timeoutMs?: number } = {}) {
    const result = await this.sh(script, options);
    if (result.exitCode !== 0)
      throw this.error(`${what} failed (exit ${result.exitCode}): ${outputOf(result)}`);
    return result;
  }

  /** The file's content; null when it does not exist. */
  async readFile(path: string): Promise<string | null> {
    const q = shellQuote(path);
    const result = await this.sh(`test -e ${q} || exit ${ABSENT}; cat -- ${q}`);
    if (result.exitCode === ABSENT) return null;
    if (result.exitCode !== 0)
      throw this.error(`Reading ${path} failed (exit ${result.exitCode}): ${outputOf(result)}`);
    return result.stdout;
  }

  /**
   * Writes `content` (through standard input) to `path`. A new file takes the owner and mode of the
   * first of `like` that exists (the daemon must read it as it reads its own files), else mode 0600.
   */
  async writeFile(path: string, content: string, like: readonly string[]): Promise<void> {
    const q = shellQuote(path);
    const copies = like.map((l) => `cp -p -- ${shellQuote(l)} ${q} 2>/dev/null`);
    const script = `umask 077 && { ${[...copies, ':'].join(' || ')}; } && cat > ${q}`;
    await this.shOk(script, `Writing ${path}`, { input: content });
  }

  /** Whether every one of `paths` exists. */
  async allExist(paths: readonly string[]): Promise<boolean> {
    const result = await this.sh(paths.map((p) => `test -e ${shellQuote(p)}`).join(' && '));
    return result.exitCode === 0;
  }

  /** Copies `from` to `to` keeping owner and mode; when `from` does not exist, `to` is an empty file. */
  async saveCopy(from: string, to: string): Promise<void> {
    const [f, t] = [shellQuote(from), shellQuote(to)];
    await this.shOk(
      `if test -e ${f}; then cp -p -- ${f} ${t}; else umask 077 && : > ${t}; fi`,
      `Saving ${from} as ${to}`,
    );
  }

  /** Renames each [from, to] pair, in order (a rename within a folder is atomic). */
  async move(pairs: readonly (readonly [string, string])[]): Promise<void> {
    const script = pairs.map(([f, t]) => `mv -f -- ${shellQuote(f)} ${shellQuote(t)}`).join(' && ');
    await this.shOk(script, `Moving ${pairs.map(([f, t]) => `${f} to ${t}`).join(', ')}`);
  }

  /** Removes the files, those that exist. */
  async remove(paths: readonly string[]): Promise<void> {
    await this.ok(['rm', '-f', '--', ...paths], `Removing ${paths.join(', ')}`);
  }

  /** A `DeviceError` carrying the steps so far, to throw. */
  error(message: string): DeviceError {
    return new DeviceError(message, [...this.steps]);
  }

  private async exec(command: string, options: { input?: string; timeoutMs?: number }): Promise<ExecResult> {
    const result = await this.t.exec(command, options);
    this.steps.push(result);
    return result;
  }
}

/** What a command printed, stdout then stderr, trimmed (for messages). */
export function outputOf(result: ExecResult): string {
  return `${result.stdout}${result.stderr}`.trim() || '(no output)';
}

/** The files a driver keeps beside the ones it manages: the staged candidate and the saved copies. */
export function stagingPaths(o: DeviceOptions) {
  return {
    /** The candidate managed part, written by `validate`. */
    candidate: `${o.managedPath}.candidate`,
    /** The candidate main config: the include retargeted at `candidate`, or base + candidate. */
    mainCandidate: `${o.mainConfigPath}.candidate`,
    /** The managed file as it was before `apply`. */
    previous: `${o.managedPath}.previous`,
    /** The main config file as it was before `apply` (daemons without include). */
    mainPrevious: `${o.mainConfigPath}.previous`,
    /** Present from `apply` to `confirm` or `rollback`, where nothing else marks an apply (BIRD). */
    applied: `${o.managedPath}.applied`,
  };
}

/** `ms` milliseconds. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
