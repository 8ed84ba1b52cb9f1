import { bird2 } from '../../config-render';
import type {
  DeviceDriver,
  DeviceIdentity,
  DeviceOptions,
  DeviceStep,
  DeviceSurvey,
  ExecResult,
  FirstRead,
  Verdict,
} from '../device';
import {
  birdLocalAs,
  birdNeighbors,
  birdReplyLines,
  parseBirdProtocols,
  parseBirdStatus,
} from './bird-protocols';
import { retargetInclude } from './config-files';
import { type BatchCommand, outputOf, Remote, stagingPaths, surveyedOrRead } from './remote';

/**
 * BIRD 2, through `birdc` (`-s controlSocket` when set).
 *
 * Layout: the operator's `mainConfigPath` (e.g. /etc/bird/bird.conf) holds everything but the
 * BGP sessions, and the filters peerflow's config names, and includes peerflow's file by its
 * absolute path: `include "/etc/bird/peerflow.conf";` (`managedPath`). The managed file carries
 * `router id` and the BGP templates and protocols.
 *
 * - survey (one round trip): `show status`, `show protocols all`, the managed and the main file.
 * - validate (one round trip): the candidate goes to `<managed>.candidate`, and a copy of the main
 *   config whose include points at it to `<main>.candidate`; `birdc configure check
 *   "<main>.candidate"` parses the whole config with the running BIRD, which changes nothing.
 * - apply (one round trip): the marker `<managed>.applied` is written, then `birdc configure
 *   "<main>.candidate" timeout <confirmSeconds>`: BIRD runs the candidate and goes back by itself
 *   when the timer runs out. The files BIRD reads at start are untouched. `applyAndRead` adds the
 *   verification's first `show protocols all` to the same round trip, once BIRD took the candidate.
 * - confirm (one round trip): `birdc configure confirm`, and only once BIRD answers "Reconfiguration
 *   confirmed" the candidate is promoted: `<managed>.candidate` renamed to the managed file,
 *   `<main>.candidate` and the marker removed. When the timer had run out BIRD says "Nothing to
 *   do": confirm fails and nothing is promoted.
 * - rollback: when apply started (it leaves `<managed>.applied`), `birdc configure undo` (BIRD's
 *   previous config, kept in memory); when BIRD has nothing to undo (the timer ran out),
 *   `birdc configure "<main>"` reloads the files, which still hold the previous config. Without
 *   the marker nothing is undone (BIRD would undo even a confirmed config). Staged files removed.
 * - identity: `show status` (version, router id); the AS from `show protocols all`: BIRD has none
 *   router-wide, it is the `Local AS` most BGP protocols use.
 * - neighbors: `show protocols all`; accepted routes are those imported, received ones only where a
 *   protocol keeps filtered routes.
 */
export const bird2Driver: DeviceDriver = {
  platform: bird2.id,

  async identity(t, o, steps) {
    const r = new Remote(t, o, steps);
    const status = await birdc(r, ['show', 'status'], 'show status');
    const protocols = await birdc(r, ['show', 'protocols', 'all'], 'show protocols all');
    return birdIdentity(r, status, protocols);
  },

  async survey(t, o, steps): Promise<DeviceSurvey> {
    const r = new Remote(t, o, steps);
    const [status, protocols, managed, main] = await r.batch([
      { line: r.line(birdcArgv(o, ['show', 'status'])), requireOk: true },
      { line: r.line(birdcArgv(o, ['show', 'protocols', 'all'])), requireOk: true },
      { line: r.readFileLine(o.managedPath) },
      { line: r.readFileLine(o.mainConfigPath) },
    ]);
    const statusText = r.checked(status, 'birdc show status').stdout;
    const protocolsText = r.checked(protocols, 'birdc show protocols all').stdout;
    return {
      identity: birdIdentity(r, statusText, protocolsText),
      managed: r.fileOf(managed, o.managedPath),
      neighbors: birdNeighborsOf(r, protocolsText),
      files: { [o.mainConfigPath]: r.fileOf(main, o.mainConfigPath) },
    };
  },

  async readManaged(t, o, steps) {
    return new Remote(t, o, steps).readFile(o.managedPath);
  },

  async validate(t, o, candidate, steps, survey) {
    const r = new Remote(t, o, steps);
    const staging = await stagingCommands(r, candidate, survey);
    if ('ok' in staging) return staging;
    return stagingVerdict(r, await r.batch(staging));
  },

  async validateAndApply(t, o, candidate, confirmSeconds, steps, survey) {
    const r = new Remote(t, o, steps.validate);
    const staging = await stagingCommands(r, candidate, survey);
    if ('ok' in staging) return { verdict: staging, applied: null };
    const applying = applyCommands(r, confirmSeconds, true);
    const results = await r.batch([...staging, ...applying]);
    // Each part's commands to its own step; the apply's are run only once the check passed.
    const ran = results.slice(staging.length);
    steps.validate.splice(steps.validate.length - ran.length, ran.length);
    const verdict = stagingVerdict(r, results.slice(0, staging.length));
    if (!verdict.ok) return { verdict, applied: null };
    const a = new Remote(t, o, steps.apply);
    steps.apply.push(...ran);
    try {
      const read = await applyVerdict(a, ran.slice(0, 2), ran[2]);
      return { verdict, applied: { ok: true, first: firstRead(a, steps, read) } };
    } catch (error) {
      return { verdict, applied: { ok: false, error } };
    }
  },

  async apply(t, o, confirmSeconds, steps) {
    await applyCandidate(new Remote(t, o, steps), confirmSeconds, false);
  },

  async applyAndRead(t, o, confirmSeconds, applySteps, readSteps) {
    const r = new Remote(t, o, applySteps);
    const read = await applyCandidate(r, confirmSeconds, true);
    return firstRead(r, { apply: applySteps, read: readSteps }, read);
  },

  async confirm(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    // The promotion runs only once BIRD said it confirmed.
    const [confirmed, moved, removed] = await r.batch([
      { line: r.line(birdcArgv(o, ['configure', 'confirm'])), requireLine: CONFIRMED },
      { line: r.moveLine([[paths.candidate, o.managedPath]]), requireOk: true },
      { line: r.removeLine([paths.mainCandidate, paths.applied]) },
    ]);
    const reply = birdReplyLines(r.checked(confirmed, 'birdc configure confirm').stdout);
    if (!reply.includes(CONFIRMED)) {
      throw r.error(`BIRD did not confirm (${reply.join(' / ')}): its timer ran out and it went back`);
    }
    r.checked(moved, `Moving ${paths.candidate} to ${o.managedPath}`);
    r.checked(removed, `Removing ${paths.mainCandidate}, ${paths.applied}`);
  },

  async rollback(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    // BIRD undoes the last `configure` even once confirmed: undo only what apply started.
    if (!(await r.allExist([paths.applied]))) {
      await r.remove([paths.candidate, paths.mainCandidate]);
      return;
    }
    const undo = birdReplyLines(await birdc(r, ['configure', 'undo'], 'configure undo'));
    if (!undo.some((l) => /^Reconfigur(ed|ation in progress)/.test(l))) {
      // Nothing to undo: the timer already put the previous config back, or nothing was applied.
      // The files hold the previous config either way: load them.
      const reload = birdReplyLines(
        await birdc(r, ['configure', birdString(o.mainConfigPath)], 'configure from the main config'),
      );
      if (!reload.some((l) => /^Reconfigur(ed|ation in progress)/.test(l))) {
        throw r.error(`BIRD did not reload ${o.mainConfigPath}: ${reload.join(' / ')}`);
      }
    }
    await r.remove([paths.candidate, paths.mainCandidate, paths.applied]);
  },

  async neighbors(t, o, steps) {
    const r = new Remote(t, o, steps);
    return birdNeighborsOf(r, await birdc(r, ['show', 'protocols', 'all'], 'show protocols'));
  },
};

const CONFIRMED = 'Reconfiguration confirmed';
const CHECKED = 'Configuration OK';

/**
 * The commands that stage `candidate` and check it, or why it cannot be staged: the candidate goes
 * to `<managed>.candidate`, a copy of the main config whose include points at it to
 * `<main>.candidate`, then `configure check` of the latter (which must say "Configuration OK").
 */
async function stagingCommands(
  r: Remote,
  candidate: string,
  survey: DeviceSurvey | undefined,
): Promise<BatchCommand[] | { ok: false; reason: string }> {
  const o = r.o;
  const paths = stagingPaths(o);
  const main = await surveyedOrRead(r, survey, o.mainConfigPath);
  if (main === null) return { ok: false, reason: `The main config ${o.mainConfigPath} does not exist` };
  const staged = retargetInclude(main, o.managedPath, paths.candidate);
  if (staged === null) {
    return { ok: false, reason: `${o.mainConfigPath} does not include "${o.managedPath}"` };
  }
  return [
    {
      line: r.writeFileLine(paths.candidate, [o.managedPath, o.mainConfigPath]),
      input: candidate,
      requireOk: true,
    },
    { line: r.writeFileLine(paths.mainCandidate, [o.mainConfigPath]), input: staged, requireOk: true },
    {
      line: r.line(birdcArgv(o, ['configure', 'check', birdString(paths.mainCandidate)])),
      requireLine: CHECKED,
    },
  ];
}

/** BIRD's verdict on the staged candidate, from what the staging commands gave back. */
function stagingVerdict(r: Remote, [written, mainWritten, checked]: ExecResult[]): Verdict {
  const paths = stagingPaths(r.o);
  r.checked(written, `Writing ${paths.candidate}`);
  r.checked(mainWritten, `Writing ${paths.mainCandidate}`);
  const check = checked as ExecResult;
  const reply = birdReplyLines(`${check.stdout}${check.stderr}`);
  if (check.exitCode === 0 && reply.includes(CHECKED)) return { ok: true };
  return { ok: false, reason: reply.join('\n') || outputOf(check) };
}

/**
 * The apply's commands: the marker, then `birdc configure "<main>.candidate" timeout N`; with
 * `read`, then `show protocols all`, once BIRD took the candidate.
 */
function applyCommands(r: Remote, confirmSeconds: number, read: boolean): BatchCommand[] {
  const paths = stagingPaths(r.o);
  if (!Number.isInteger(confirmSeconds) || confirmSeconds < 1)
    throw r.error(`Bad confirm time ${confirmSeconds}`);
  const argv = ['configure', birdString(paths.mainCandidate), 'timeout', String(confirmSeconds)];
  return [
    // Written first: from here on, rollback must undo, even if the command's answer is lost.
    { line: r.writeFileLine(paths.applied, []), input: `${new Date().toISOString()}\n`, requireOk: true },
    { line: r.line(birdcArgv(r.o, argv)), requireOk: read },
    ...(read ? [{ line: r.line(birdcArgv(r.o, ['show', 'protocols', 'all'])) }] : []),
  ];
}

/** The apply of the candidate `validate` staged; with `read`, the result of the read after it. */
async function applyCandidate(
  r: Remote,
  confirmSeconds: number,
  read: boolean,
): Promise<ExecResult | undefined> {
  const paths = stagingPaths(r.o);
  const commands = applyCommands(r, confirmSeconds, read);
  const [staged, ...ran] = await r.batch([
    { line: r.allExistLine([paths.candidate, paths.mainCandidate]), requireOk: true },
    ...commands,
  ]);
  if (staged?.exitCode !== 0) throw r.error('No staged candidate: validate first');
  return applyVerdict(r, ran.slice(0, 2), ran[2]);
}

/**
 * Throws unless BIRD took the candidate with its undo timer (removing the marker when it kept its
 * config); returns the read that followed, if any.
 */
async function applyVerdict(
  r: Remote,
  [marked, configured]: (ExecResult | undefined)[],
  read: ExecResult | undefined,
): Promise<ExecResult | undefined> {
  const paths = stagingPaths(r.o);
  r.checked(marked, `Writing ${paths.applied}`);
  const result = configured as ExecResult;
  const reply = birdReplyLines(`${result.stdout}${result.stderr}`);
  const scheduled = reply.some((l) => /^Undo scheduled in \d+ s$/.test(l));
  const done = reply.some((l) => /^Reconfigur(ed|ation in progress)/.test(l));
  if (result.exitCode !== 0 || !done) {
    // BIRD kept its config: an undo now would revert an earlier, confirmed one.
    await r.remove([paths.applied]);
    throw r.error(`BIRD refused the candidate: ${reply.join(' / ') || outputOf(result)}`);
  }
  if (!scheduled) throw r.error(`BIRD took the candidate without its undo timer: ${reply.join(' / ')}`);
  return read;
}

/**
 * The read that followed an apply that held, moved from the apply's steps to the read's: the first
 * look of the verification, recorded as such.
 */
function firstRead(
  r: Remote,
  steps: { apply: DeviceStep[]; read: DeviceStep[] },
  read: ExecResult | undefined,
): FirstRead {
  const reader = new Remote(r.t, r.o, steps.read);
  if (read === undefined) {
    return { ok: false, error: reader.error('birdc show protocols all did not run after the apply') };
  }
  steps.apply.splice(steps.apply.indexOf(read), 1);
  steps.read.push(read);
  try {
    return {
      ok: true,
      neighbors: birdNeighborsOf(reader, reader.checked(read, 'birdc show protocols all').stdout),
    };
  } catch (error) {
    return { ok: false, error };
  }
}

function birdIdentity(r: Remote, status: string, protocols: string): DeviceIdentity {
  const parsed = parseBirdStatus(status);
  if (!parsed) throw r.error(`birdc show status: no version and router id in ${JSON.stringify(status)}`);
  return {
    routerId: parsed.routerId,
    asn: birdLocalAs(parseBirdProtocols(protocols)),
    version: parsed.version,
  };
}

function birdNeighborsOf(r: Remote, protocols: string) {
  const neighbors = birdNeighbors(parseBirdProtocols(protocols));
  if (typeof neighbors === 'string') throw r.error(`birdc show protocols all: ${neighbors}`);
  return neighbors;
}

function birdcArgv(o: DeviceOptions, command: readonly string[]): string[] {
  return ['birdc', ...(o.controlSocket === null ? [] : ['-s', o.controlSocket]), ...command];
}

/** A path as a BIRD string (the path is checked to hold no quote). */
function birdString(path: string): string {
  return `"${path}"`;
}

/** Runs a birdc command; its output, or a DeviceError when birdc fails. */
async function birdc(r: Remote, command: readonly string[], what: string): Promise<string> {
  const result = await r.ok(birdcArgv(r.o, command), `birdc ${what}`);
  return result.stdout;
}
