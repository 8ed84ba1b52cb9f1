import { gobgp } from '../../config-render';
import { canonicalIp } from '../../kernel';
import type {
  DeviceDriver,
  DeviceIdentity,
  DeviceOptions,
  DeviceSurvey,
  ExecResult,
  NeighborState,
} from '../device';
import { joinBaseAndManaged, meaningfulLines } from './config-files';
import {
  changedGobgpNeighbors,
  gobgpdPidsFor,
  parseGobgpdVersion,
  parseGobgpGlobal,
  parseGobgpNeighbors,
  summarizeGobgpConfig,
  withoutGobgpNeighbors,
} from './gobgp-state';
import { outputOf, pause, Remote, stagingPaths, surveyedOrRead } from './remote';

/** GoBGP's CLI, which the platform is named after (the registry keeps the name as its id). */
const GOBGP_CLI = gobgp.id;

/** How long apply and rollback wait for gobgpd to show the neighbors of the file it was told to read. */
const RELOAD_CHECKS = 20;
const RELOAD_CHECK_INTERVAL_MS = 500;

/**
 * GoBGP 3, through its CLI, gobgp (`--target controlSocket` when set: `host:port` or
 * `unix:///path`) and gobgpd.
 *
 * Layout: gobgpd reads one TOML file and has no include. peerflow renders the router's whole BGP
 * config for GoBGP (`[global.config]` with AS and router id, the global policy assignment, peer
 * groups, neighbor sets, neighbors): that is `managedPath` (e.g. /etc/gobgp/peerflow.toml). The
 * operator's part, `basePath` (e.g. /etc/gobgp/base.toml), holds the `[[policy-definitions]]` and
 * `[[defined-sets...]]` the policy lists name, and anything else outside `[global]` (zebra, rpki,
 * bmp); it must not define `[global.config]` or `[global.apply-policy]`. gobgpd runs with
 * `-f <mainConfigPath>` (e.g. /etc/gobgp/gobgpd.toml), which peerflow writes as base followed by
 * managed part.
 *
 * - survey (one round trip): what identity and neighbors read, the managed file and the base.
 * - validate (one round trip on the device): every neighbor address of the candidate must be an IP address (gobgpd would resolve
 *   any other word by DNS); the candidate goes to `<managed>.candidate`, base + candidate to
 *   `<main>.candidate`, and `gobgpd -d -f <main>.candidate -t toml` parses it. gobgpd takes
 *   `[global.config]` only when it starts: a candidate with another AS or router id than
 *   `gobgp global -j` reports is refused.
 * - apply: main and managed files saved as `.previous`, the managed candidate renamed into place,
 *   the main candidate written over the main file, then SIGHUP to the gobgpd started with
 *   `-f <main>` (found with `pgrep -a -x gobgpd`). gobgpd 3.10's reload misses changed neighbors
 *   after the first one: a neighbor whose `[[neighbors]]` entry changed is first removed (the file
 *   without it, SIGHUP), then added back by the whole file (SIGHUP); gobgpd itself updates a
 *   neighbor by deleting and adding it. A signal has no answer, and gobgpd keeps its old config
 *   when it cannot read the new one: after each SIGHUP, `gobgp neighbor -j` is read until it lists
 *   exactly the neighbors of the file, else apply fails.
 * - confirm: the saved copies are removed.
 * - rollback: the same switch back to the `.previous` files.
 * - identity: `gobgp global -j` (asn, router_id), `gobgpd --version`.
 * - neighbors: `gobgp neighbor -j` (enums as numbers, zero fields left out): received and accepted.
 */
export const gobgpDriver: DeviceDriver = {
  platform: gobgp.id,

  async identity(t, o, steps) {
    const r = new Remote(t, o, steps);
    const global = await r.ok(gobgpArgv(o, ['global', '-j']), 'gobgp global -j');
    const versionOutput = await r.ok(['gobgpd', '--version'], 'gobgpd --version');
    return gobgpIdentity(r, global, versionOutput);
  },

  async survey(t, o, steps): Promise<DeviceSurvey> {
    const r = new Remote(t, o, steps);
    const base = basePathOf(r);
    const [global, version, neighbors, managed, baseFile] = await r.batch([
      { line: r.line(gobgpArgv(o, ['global', '-j'])), requireOk: true },
      { line: r.line(['gobgpd', '--version']), requireOk: true },
      { line: r.line(gobgpArgv(o, ['neighbor', '-j'])), requireOk: true },
      { line: r.readFileLine(o.managedPath) },
      { line: r.readFileLine(base) },
    ]);
    const identity = gobgpIdentity(
      r,
      r.checked(global, 'gobgp global -j'),
      r.checked(version, 'gobgpd --version'),
    );
    return {
      identity,
      managed: r.fileOf(managed, o.managedPath),
      neighbors: gobgpNeighborsOf(r, r.checked(neighbors, 'gobgp neighbor -j')),
      files: { [base]: r.fileOf(baseFile, base) },
    };
  },

  async readManaged(t, o, steps) {
    return new Remote(t, o, steps).readFile(o.managedPath);
  },

  async validate(t, o, candidate, steps, survey) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    const summary = summarizeGobgpConfig(candidate);
    const notIp = summary.neighbors.filter((a) => !canonicalIp(a));
    if (notIp.length > 0) {
      return { ok: false, reason: `Neighbor addresses that are not IP addresses: ${notIp.join(', ')}` };
    }
    const basePath = basePathOf(r);
    const base = await surveyedOrRead(r, survey, basePath);
    if (base === null) return { ok: false, reason: `The base config ${basePath} does not exist` };
    const [written, mainWritten, checked, global] = await r.batch([
      {
        line: r.writeFileLine(paths.candidate, [o.managedPath, o.mainConfigPath]),
        input: candidate,
        requireOk: true,
      },
      {
        line: r.writeFileLine(paths.mainCandidate, [o.mainConfigPath]),
        input: joinBaseAndManaged(base, candidate),
        requireOk: true,
      },
      { line: r.line(['gobgpd', '-d', '-f', paths.mainCandidate, '-t', 'toml']), requireOk: true },
      { line: r.line(gobgpArgv(o, ['global', '-j'])) },
    ]);
    r.checked(written, `Writing ${paths.candidate}`);
    r.checked(mainWritten, `Writing ${paths.mainCandidate}`);
    const check = checked as ExecResult;
    if (check.exitCode !== 0) return { ok: false, reason: meaningfulLines(outputOf(check)).join('\n') };
    const running = parseGobgpGlobal(r.checked(global, 'gobgp global -j').stdout);
    if (running && (summary.asn !== running.asn || summary.routerId !== running.routerId)) {
      return {
        ok: false,
        reason:
          `gobgpd runs AS${running.asn} with router id ${running.routerId}; the candidate's [global.config] ` +
          `says AS${summary.asn ?? '?'} and ${summary.routerId ?? '?'}, which gobgpd takes only when it starts`,
      };
    }
    return { ok: true };
  },

  async apply(t, o, _confirmSeconds, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    const next = await r.readFile(paths.mainCandidate);
    if (next === null || !(await r.allExist([paths.candidate])))
      throw r.error('No staged candidate: validate first');
    const pid = await gobgpdPid(r);
    const current = (await r.readFile(o.mainConfigPath)) ?? '';
    await r.saveCopy(o.managedPath, paths.previous);
    await r.saveCopy(o.mainConfigPath, paths.mainPrevious);
    await r.move([[paths.candidate, o.managedPath]]);
    await switchConfig(r, pid, current, next);
    await r.remove([paths.mainCandidate]);
  },

  async confirm(t, o, steps) {
    const paths = stagingPaths(o);
    await new Remote(t, o, steps).remove([paths.previous, paths.mainPrevious]);
  },

  async rollback(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    await r.remove([paths.candidate, paths.mainCandidate]);
    const previous = await r.readFile(paths.mainPrevious);
    if (previous === null || !(await r.allExist([paths.previous]))) return;
    const pid = await gobgpdPid(r);
    const current = (await r.readFile(o.mainConfigPath)) ?? '';
    await r.move([[paths.previous, o.managedPath]]);
    await switchConfig(r, pid, current, previous);
    await r.remove([paths.mainPrevious]);
  },

  async neighbors(t, o, steps) {
    const r = new Remote(t, o, steps);
    return readNeighbors(r);
  },
};

function basePathOf(r: Remote): string {
  if (r.o.basePath === null)
    throw r.error('GoBGP needs basePath: the operator config peerflow puts before its part');
  return r.o.basePath;
}

function gobgpArgv(o: DeviceOptions, command: readonly string[]): string[] {
  return [GOBGP_CLI, ...(o.controlSocket === null ? [] : ['--target', o.controlSocket]), ...command];
}

async function readNeighbors(r: Remote): Promise<NeighborState[]> {
  return gobgpNeighborsOf(r, await r.ok(gobgpArgv(r.o, ['neighbor', '-j']), 'gobgp neighbor -j'));
}

function gobgpNeighborsOf(r: Remote, result: ExecResult): NeighborState[] {
  const neighbors = parseGobgpNeighbors(result.stdout);
  if (typeof neighbors === 'string') throw r.error(`gobgp neighbor -j: ${neighbors}`);
  return neighbors;
}

function gobgpIdentity(r: Remote, global: ExecResult, versionOutput: ExecResult): DeviceIdentity {
  const parsed = parseGobgpGlobal(global.stdout);
  const version = parseGobgpdVersion(`${versionOutput.stdout}${versionOutput.stderr}`);
  if (!parsed || !version) throw r.error('gobgp did not report its AS, router id and version');
  return { ...parsed, version };
}

/** The one gobgpd that reads the main config file. */
async function gobgpdPid(r: Remote): Promise<number> {
  const list = await r.run(['pgrep', '-a', '-x', 'gobgpd']);
  const pids = gobgpdPidsFor(list.stdout, r.o.mainConfigPath);
  if (pids.length !== 1) {
    throw r.error(`Expected one gobgpd started with -f ${r.o.mainConfigPath}, found ${pids.length}`);
  }
  return pids[0]!;
}

/**
 * Makes gobgpd go from `current` to `next` (both whole main files). gobgpd's own reload misses
 * some changed neighbors (3.10 updated the first changed neighbor of a reload only), and updates
 * a neighbor by deleting and adding it anyway: changed neighbors are taken out by a first reload
 * of `next` without them, then `next` itself adds them back.
 */
async function switchConfig(r: Remote, pid: number, current: string, next: string): Promise<void> {
  const changed = changedGobgpNeighbors(current, next);
  if (changed.length > 0) await reload(r, pid, withoutGobgpNeighbors(next, changed));
  await reload(r, pid, next);
}

/** Writes `main` to the main config file, SIGHUP, then waits until gobgpd lists exactly its neighbors. */
async function reload(r: Remote, pid: number, main: string): Promise<void> {
  await r.writeFile(r.o.mainConfigPath, main, [r.o.mainConfigPath]);
  const wanted = summarizeGobgpConfig(main)
    .neighbors.map((a) => canonicalIp(a) ?? a)
    .sort();
  await r.ok(['kill', '-HUP', String(pid)], 'Signalling gobgpd to reload');
  let seen: string[] = [];
  for (let i = 0; i < RELOAD_CHECKS; i += 1) {
    seen = (await readNeighbors(r)).map((n) => n.peerIp).sort();
    if (seen.join() === wanted.join()) return;
    await pause(RELOAD_CHECK_INTERVAL_MS);
  }
  throw r.error(
    `gobgpd did not take ${r.o.mainConfigPath} (its log says why): it lists neighbors ` +
      `[${seen.join(', ')}], the file declares [${wanted.join(', ')}]`,
  );
}
