import { openbgpd } from '../../config-render';
import type { DeviceDriver, DeviceIdentity, DeviceOptions, DeviceSurvey, ExecResult } from '../device';
import { meaningfulLines, retargetInclude } from './config-files';
import {
  bgpctlReloadFailure,
  md5ChangedNeighbors,
  parseBgpctlNeighbors,
  parseBgpdGlobals,
  parseBgpdVersion,
} from './openbgpd-state';
import { outputOf, Remote, stagingPaths, surveyedOrRead } from './remote';

/**
 * OpenBGPD 7, through `bgpctl` (`-s controlSocket` when set) and `bgpd -n`.
 *
 * Layout: the operator's `mainConfigPath` (/etc/bgpd.conf) holds the macros, sets and the filter
 * rules for the groups peerflow's config names, and includes peerflow's file by its absolute path
 * (`include "/etc/bgpd/peerflow.conf"`, `managedPath`), which carries `AS`, `router-id` and the
 * groups and neighbors. bgpd has no confirm timer.
 *
 * - survey (one round trip): what identity and neighbors read, the managed and the main file.
 * - validate (one round trip): the candidate goes to `<managed>.candidate`, a copy of the main config whose include
 *   points at it to `<main>.candidate`; `bgpd -n -f <main>.candidate` parses the whole config
 *   (exit 0 and "configuration OK").
 * - apply: the managed file is saved as `<managed>.previous` (an empty file when there was none),
 *   the candidate renamed into place, then `bgpctl reload <main>`. bgpctl exits 0 even when bgpd
 *   refuses the file: its answer must say "request processed", never "reload failed". bgpd on
 *   Linux keeps an established session on its old TCP-MD5 key after a reload: each neighbor whose
 *   `tcp md5sig` line changed is reset with `bgpctl neighbor <ip> clear`, so the new key is used.
 * - confirm: the saved copy is removed.
 * - rollback: `<managed>.previous` renamed back, `bgpctl reload <main>` (answer checked), and the
 *   same reset of neighbors whose key differs between the two files.
 * - identity: bgpctl reports neither the AS nor the router id: `bgpd -n -v -f <main>` prints them
 *   as bgpd reads the installed config, after `bgpctl show` has shown bgpd answers; version from
 *   `bgpd -V`.
 * - neighbors: `bgpctl -j show neighbor`: received prefixes (OpenBGPD reports no accepted count).
 */
export const openbgpdDriver: DeviceDriver = {
  platform: openbgpd.id,

  async identity(t, o, steps) {
    const r = new Remote(t, o, steps);
    await r.ok(bgpctlArgv(o, ['show']), 'bgpctl show');
    const parsed = await r.ok(['bgpd', '-n', '-v', '-f', o.mainConfigPath], 'bgpd -n -v');
    const versionOutput = await r.ok(['bgpd', '-V'], 'bgpd -V');
    return bgpdIdentity(r, parsed, versionOutput);
  },

  async survey(t, o, steps): Promise<DeviceSurvey> {
    const r = new Remote(t, o, steps);
    const [shown, parsed, version, neighbors, managed, main] = await r.batch([
      { line: r.line(bgpctlArgv(o, ['show'])), requireOk: true },
      { line: r.line(['bgpd', '-n', '-v', '-f', o.mainConfigPath]), requireOk: true },
      { line: r.line(['bgpd', '-V']), requireOk: true },
      { line: r.line(bgpctlArgv(o, ['-j', 'show', 'neighbor'])) },
      { line: r.readFileLine(o.managedPath) },
      { line: r.readFileLine(o.mainConfigPath) },
    ]);
    r.checked(shown, 'bgpctl show');
    const identity = bgpdIdentity(r, r.checked(parsed, 'bgpd -n -v'), r.checked(version, 'bgpd -V'));
    return {
      identity,
      managed: r.fileOf(managed, o.managedPath),
      neighbors: bgpctlNeighborsOf(r, neighbors as ExecResult),
      files: { [o.mainConfigPath]: r.fileOf(main, o.mainConfigPath) },
    };
  },

  async readManaged(t, o, steps) {
    return new Remote(t, o, steps).readFile(o.managedPath);
  },

  async validate(t, o, candidate, steps, survey) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    const main = await surveyedOrRead(r, survey, o.mainConfigPath);
    if (main === null) return { ok: false, reason: `The main config ${o.mainConfigPath} does not exist` };
    const staged = retargetInclude(main, o.managedPath, paths.candidate);
    if (staged === null)
      return { ok: false, reason: `${o.mainConfigPath} does not include "${o.managedPath}"` };
    const [written, mainWritten, checked] = await r.batch([
      {
        line: r.writeFileLine(paths.candidate, [o.managedPath, o.mainConfigPath]),
        input: candidate,
        requireOk: true,
      },
      { line: r.writeFileLine(paths.mainCandidate, [o.mainConfigPath]), input: staged, requireOk: true },
      { line: r.line(['bgpd', '-n', '-f', paths.mainCandidate]) },
    ]);
    r.checked(written, `Writing ${paths.candidate}`);
    r.checked(mainWritten, `Writing ${paths.mainCandidate}`);
    const output = outputOf(checked as ExecResult);
    if (checked?.exitCode === 0 && /configuration OK/.test(output)) return { ok: true };
    return { ok: false, reason: meaningfulLines(output).join('\n') };
  },

  async apply(t, o, _confirmSeconds, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    const [staged, managed] = await r.batch([
      { line: r.readFileLine(paths.candidate) },
      { line: r.readFileLine(o.managedPath) },
    ]);
    const candidate = r.fileOf(staged, paths.candidate);
    if (candidate === null) throw r.error('No staged candidate: validate first');
    const before = r.fileOf(managed, o.managedPath) ?? '';
    const [saved, moved, removed] = await r.batch([
      { line: r.saveCopyLine(o.managedPath, paths.previous), requireOk: true },
      { line: r.moveLine([[paths.candidate, o.managedPath]]), requireOk: true },
      { line: r.removeLine([paths.mainCandidate]) },
    ]);
    r.checked(saved, `Saving ${o.managedPath} as ${paths.previous}`);
    r.checked(moved, `Moving ${paths.candidate} to ${o.managedPath}`);
    r.checked(removed, `Removing ${paths.mainCandidate}`);
    await reload(r, md5ChangedNeighbors(before, candidate));
  },

  async confirm(t, o, steps) {
    await new Remote(t, o, steps).remove([stagingPaths(o).previous]);
  },

  async rollback(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    await r.remove([paths.candidate, paths.mainCandidate]);
    const previous = await r.readFile(paths.previous);
    if (previous === null) return;
    const applied = (await r.readFile(o.managedPath)) ?? '';
    await r.move([[paths.previous, o.managedPath]]);
    await reload(r, md5ChangedNeighbors(applied, previous));
  },

  async neighbors(t, o, steps) {
    const r = new Remote(t, o, steps);
    return bgpctlNeighborsOf(r, await r.run(bgpctlArgv(o, ['-j', 'show', 'neighbor'])));
  },
};

function bgpdIdentity(r: Remote, parsed: ExecResult, versionOutput: ExecResult): DeviceIdentity {
  const globals = parseBgpdGlobals(`${parsed.stdout}\n${parsed.stderr}`);
  const version = parseBgpdVersion(`${versionOutput.stdout}${versionOutput.stderr}`);
  if (!globals || !version) throw r.error('bgpd did not print its AS, router-id and version');
  return { ...globals, version };
}

/** bgpctl exits non-zero when there is no neighbor at all: the parser reads that answer too. */
function bgpctlNeighborsOf(r: Remote, result: ExecResult) {
  const neighbors = parseBgpctlNeighbors(result.stdout);
  if (typeof neighbors === 'string') throw r.error(`bgpctl -j show neighbor: ${neighbors}`);
  return neighbors;
}

function bgpctlArgv(o: DeviceOptions, command: readonly string[]): string[] {
  return ['bgpctl', ...(o.controlSocket === null ? [] : ['-s', o.controlSocket]), ...command];
}

/** Reloads the main config, then resets the sessions of `rekeyed` neighbors (see `md5ChangedNeighbors`). */
async function reload(r: Remote, rekeyed: readonly string[]): Promise<void> {
  const result = await r.run(bgpctlArgv(r.o, ['reload', r.o.mainConfigPath]));
  const failure = bgpctlReloadFailure(result.exitCode, `${result.stdout}${result.stderr}`);
  if (failure !== null) throw r.error(`bgpctl reload: ${failure}`);
  for (const neighbor of rekeyed) {
    const clear = await r.run(bgpctlArgv(r.o, ['neighbor', neighbor, 'clear']));
    const answer = `${clear.stdout}${clear.stderr}`;
    if (clear.exitCode !== 0 || !/request processed/.test(answer)) {
      throw r.error(`bgpctl neighbor ${neighbor} clear: ${answer.trim() || `exit ${clear.exitCode}`}`);
    }
  }
}
