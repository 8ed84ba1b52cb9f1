import { randomBytes } from 'node:crypto';
import {
  DeviceError,
  type DeviceOptions,
  type DeviceStep,
  type DeviceSurvey,
  type DeviceTransport,
  type ExecResult,
} from '../device';
import { isSafeDevicePath, shellLine, shellQuote } from '../shell';

/** The exit status `readFile` uses for "no such file" (any other failure is an error). */
export const ABSENT = 66;

/**
 * One command of a `batch`: its command line as `line` builds it, what goes to its standard input,
 * and when the batch must not go on past it.
 */
export interface BatchCommand {
  readonly line: string;
  readonly input?: string;
  /** Stop the batch here unless the command exits 0. */
  readonly requireOk?: boolean;
  /** Stop the batch here unless a line of the command's output is this text (blanks around it aside). */
  readonly requireLine?: string;
}

/**
 * One driver call's access to the device: every command goes through the transport, with
 * `sudo -n` when the host asks for it, and is recorded in `steps` in the order it ran.
 */
export class Remote {
  /** The scripts of the `sh -c` lines made here, by line: what a batch runs in their place. */
  private readonly scripts = new Map<string, string>();

  constructor(
    readonly t: DeviceTransport,
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
    return this.exec(this.line(argv), options);
  }

  /** Runs a POSIX sh script (its values already quoted with `shellQuote`). Never throws on a non-zero exit. */
  sh(script: string, options: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return this.run(['sh', '-c', script], options);
  }

  /** The command line `run` sends for `argv`: its words quoted, `sudo -n` first when the host asks. */
  line(argv: readonly string[]): string {
    return shellLine(this.o.sudo ? ['sudo', '-n', ...argv] : argv);
  }

  /**
   * The command line `sh` sends for a script. Without `sudo`, a batch runs the script itself in
   * its command's subshell: the same commands, without starting another shell on the device.
   */
  shLine(script: string): string {
    const line = this.line(['sh', '-c', script]);
    if (!this.o.sudo) this.scripts.set(line, script);
    return line;
  }

  /** The command line of `readFile`: exits ABSENT when the file does not exist. */
  readFileLine(path: string): string {
    const q = shellQuote(path);
    return this.shLine(`test -e ${q} || exit ${ABSENT}; cat -- ${q}`);
  }

  /** The command line of `writeFile` (the content goes to its standard input). */
  writeFileLine(path: string, like: readonly string[]): string {
    const q = shellQuote(path);
    const copies = like.map((l) => `cp -p -- ${shellQuote(l)} ${q} 2>/dev/null`);
    return this.shLine(`umask 077 && { ${[...copies, ':'].join(' || ')}; } && cat > ${q}`);
  }

  /**
   * Runs `commands` in order through one exec on the device: a POSIX sh script read from standard
   * input, so one round trip instead of one per command. Each command runs as its `line` would
   * alone (its own `sudo -n`, its own input, standard input closed otherwise; a `sh -c` line of
   * `shLine` as its script in the command's own subshell) and is recorded in
   * `steps` as if it had been run alone, with its own exit status and output. File contents go into
   * the script as quoted here-documents: never on a command line. The batch stops after a command
   * whose `requireOk` or `requireLine` does not hold: the results are those of the commands that
   * ran. Never throws on a non-zero exit.
   */
  async batch(
    commands: readonly BatchCommand[],
    options: { timeoutMs?: number } = {},
  ): Promise<ExecResult[]> {
    const marker = `PEERFLOW_${randomBytes(12).toString('hex')}`;
    const script = batchScript(
      commands.map((c) => ({ ...c, line: this.scripts.get(c.line) ?? c.line })),
      marker,
    );
    let raw: ExecResult;
    try {
      raw = await this.t.exec('sh -s', { input: script, ...options });
    } catch (err) {
      if (err instanceof DeviceError) {
        const partial = err.steps[0];
        const ran = partial ? splitBatch(commands, marker, partial) : [];
        this.steps.push(...ran);
        throw new DeviceError(err.message, [...this.steps]);
      }
      throw err;
    }
    const results = splitBatch(commands, marker, raw);
    if (results.length === 0) {
      this.steps.push({ ...raw, command: 'sh -s' });
      throw this.error(`The device did not run the commands (exit ${raw.exitCode}): ${outputOf(raw)}`);
    }
    this.steps.push(...results);
    return results;
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
    return this.fileOf(await this.exec(this.readFileLine(path), {}), path);
  }

  /** The content a `readFileLine` command gave back; null when the file does not exist. */
  fileOf(result: ExecResult | undefined, path: string): string | null {
    if (result?.exitCode === ABSENT) return null;
    return this.checked(result, `Reading ${path}`).stdout;
  }

  /**
   * Writes `content` (through standard input) to `path`. A new file takes the owner and mode of the
   * first of `like` that exists (the daemon must read it as it reads its own files), else mode 0600.
   */
  async writeFile(path: string, content: string, like: readonly string[]): Promise<void> {
    this.checked(await this.exec(this.writeFileLine(path, like), { input: content }), `Writing ${path}`);
  }

  /** Whether every one of `paths` exists. */
  async allExist(paths: readonly string[]): Promise<boolean> {
    const result = await this.exec(this.allExistLine(paths), {});
    return result.exitCode === 0;
  }

  /** The command line of `allExist`: exits 0 when every one of `paths` exists. */
  allExistLine(paths: readonly string[]): string {
    return this.shLine(paths.map((p) => `test -e ${shellQuote(p)}`).join(' && '));
  }

  /** Copies `from` to `to` keeping owner and mode; when `from` does not exist, `to` is an empty file. */
  async saveCopy(from: string, to: string): Promise<void> {
    this.checked(await this.exec(this.saveCopyLine(from, to), {}), `Saving ${from} as ${to}`);
  }

  /** The command line of `saveCopy`. */
  saveCopyLine(from: string, to: string): string {
    const [f, t] = [shellQuote(from), shellQuote(to)];
    return this.shLine(`if test -e ${f}; then cp -p -- ${f} ${t}; else umask 077 && : > ${t}; fi`);
  }

  /** Renames each [from, to] pair, in order (a rename within a folder is atomic). */
  async move(pairs: readonly (readonly [string, string])[]): Promise<void> {
    this.checked(await this.exec(this.moveLine(pairs), {}), movingWhat(pairs));
  }

  /** The command line of `move`. */
  moveLine(pairs: readonly (readonly [string, string])[]): string {
    return this.shLine(pairs.map(([f, t]) => `mv -f -- ${shellQuote(f)} ${shellQuote(t)}`).join(' && '));
  }

  /** Removes the files, those that exist. */
  async remove(paths: readonly string[]): Promise<void> {
    this.checked(await this.exec(this.removeLine(paths), {}), `Removing ${paths.join(', ')}`);
  }

  /** The command line of `remove`. */
  removeLine(paths: readonly string[]): string {
    return this.line(['rm', '-f', '--', ...paths]);
  }

  /**
   * `result` when the command ran and exited 0; otherwise a `DeviceError` saying what failed (a
   * command a batch never reached has no result).
   */
  checked(result: ExecResult | undefined, what: string): ExecResult {
    if (result === undefined) throw this.error(`${what} did not run: an earlier command failed`);
    if (result.exitCode !== 0)
      throw this.error(`${what} failed (exit ${result.exitCode}): ${outputOf(result)}`);
    return result;
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

/**
 * The script of a batch. Each command runs in a subshell with its standard input redirected (its
 * content as a quoted here-document, else /dev/null), so it never reads the rest of the script; its
 * standard output goes straight out, followed by a line `<marker> <index> <exit status>` after a
 * newline of its own; its standard error likewise, followed by a line `<marker> <index>`. The marker
 * is random per batch: no output can end a command's part early, no content can end its
 * here-document early. Nothing is captured in a shell variable (each capture costs processes on the
 * device, and trimming a large one is slow in dash) except the output of a command whose
 * `requireLine` must be checked (line by line with builtins), and an input without a final
 * newline, which a here-document cannot carry as it is.
 */
function batchScript(commands: readonly BatchCommand[], marker: string): string {
  const out: string[] = [];
  commands.forEach((c, i) => {
    const end = `${marker}_${i}`;
    const capture = c.requireLine !== undefined;
    let run: string;
    if (c.input === undefined || c.input === '') run = `( ${c.line} ) </dev/null`;
    else if (c.input.endsWith('\n') && !capture) run = `( ${c.line} ) <<'${end}'\n${c.input}${end}`;
    else {
      out.push(`in=$(cat <<'${end}'\n${c.input}x\n${end}\n)`, 'in=${in%x}');
      run = `printf '%s' "$in" | ( ${c.line} )`;
    }
    if (capture) {
      out.push(`out=$( ${run}; c=$?; echo x; exit "$c")`, 'c=$?', 'out=${out%x}');
      out.push(`printf '%s\n%s %s %s\n' "$out" ${marker} ${i} "$c"`);
    } else {
      out.push(run, 'c=$?', `printf '\n%s %s %s\n' ${marker} ${i} "$c"`);
    }
    out.push(`printf '\n%s %s\n' ${marker} ${i} >&2`);
    if (c.requireOk || capture) out.push('[ "$c" -eq 0 ] || exit 0');
    if (capture) {
      // Line by line with the shell's own `read`, blanks trimmed by pattern: builtins only.
      const blank = ' \t\r\v\f';
      out.push(
        'ok=1',
        `while IFS= read -r l; do l=\${l%"\${l##*[!${blank}]}"}; l=\${l#"\${l%%[!${blank}]*}"}; [ "$l" = ${shellQuote(c.requireLine!)} ] && ok=0; done <<${end}_out`,
        '$out',
        `${end}_out`,
        '[ "$ok" -eq 0 ] || exit 0',
      );
    }
  });
  return `${out.join('\n')}\n`;
}

/** The results of the commands a batch ran, from its output. */
function splitBatch(commands: readonly BatchCommand[], marker: string, raw: ExecResult): ExecResult[] {
  const results: ExecResult[] = [];
  const ends = new RegExp(`\n${marker} (\\d+) (\\d+)\n`, 'g');
  const errEnds = new RegExp(`\n${marker} (\\d+)\n`, 'g');
  const errs: string[] = [];
  let from = 0;
  for (const m of raw.stderr.matchAll(errEnds)) {
    errs.push(raw.stderr.slice(from, m.index));
    from = m.index + m[0].length;
  }
  from = 0;
  for (const m of raw.stdout.matchAll(ends)) {
    const i = Number(m[1]);
    const command = commands[i];
    if (command === undefined || i !== results.length) break;
    results.push({
      command: command.line,
      exitCode: Number(m[2]),
      stdout: raw.stdout.slice(from, m.index),
      stderr: errs[i] ?? '',
    });
    from = m.index + m[0].length;
  }
  return results;
}

const movingWhat = (pairs: readonly (readonly [string, string])[]) =>
  `Moving ${pairs.map(([f, t]) => `${f} to ${t}`).join(', ')}`;

/** What a command printed, stdout then stderr, trimmed (for messages). */
export function outputOf(result: ExecResult): string {
  return `${result.stdout}${result.stderr}`.trim() || '(no output)';
}

/** A file the survey of this deployment read, or, without one, the file as it is now. */
export async function surveyedOrRead(
  r: Remote,
  survey: DeviceSurvey | undefined,
  path: string,
): Promise<string | null> {
  const seen = survey?.files[path];
  return seen !== undefined ? seen : r.readFile(path);
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
