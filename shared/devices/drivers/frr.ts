import { canonicalIp } from '../../kernel';
import { posix } from 'node:path';
import { frr } from '../../config-render';
import type { DeviceDriver, DeviceIdentity, DeviceOptions, DeviceSurvey, ExecResult } from '../device';
import { joinBaseAndManaged, meaningfulLines } from './config-files';
import {
  frrReloadFailure,
  frrRunningConfigAsFile,
  parseFrrAs,
  parseFrrNeighbors,
  parseFrrRouterId,
  parseFrrVersion,
} from './frr-state';
import { outputOf, Remote, stagingPaths, surveyedOrRead } from './remote';

const FRR_RELOAD = '/usr/lib/frr/frr-reload.py';

/**
 * FRR 8 (integrated config), through `vtysh` (`--vty_socket controlSocket` when set) and
 * frr-reload.py (Debian: frr-pythontools).
 *
 * Layout: FRR has no include. The operator keeps everything but peerflow's part in `basePath`
 * (e.g. /etc/frr/frr-base.conf: interfaces, route-maps and prefix-lists peerflow's config names,
 * other daemons); peerflow's part, its `router bgp` block, is `managedPath` (e.g.
 * /etc/frr/peerflow.conf). FRR reads `mainConfigPath` (/etc/frr/frr.conf), which peerflow writes
 * as the base followed by the managed part; operators edit the base, never frr.conf. The folder of
 * frr.conf is frr-reload.py's `--confdir` (its vtysh.conf) and `--rundir` (its scratch files).
 *
 * - survey (one round trip): what identity and neighbors read, the managed file and the base.
 * - validate (one round trip): the candidate goes to `<managed>.candidate` and base + candidate to
 *   `<main>.candidate`; `vtysh -C -f <main>.candidate` parses the whole config (non-zero exit on
 *   an error), then `frr-reload.py --test` shows what the reload would change, against what runs.
 * - apply: bgpd has no confirm timer. The running config is saved (`show running-config`, header
 *   removed, to `<main>.running`), the main and managed files are saved as `.previous`, the
 *   candidates are renamed into place and `frr-reload.py --reload <main>` applies the difference;
 *   a non-zero exit or an ERROR in its log fails the apply.
 * - confirm: the saved copies are removed.
 * - rollback: the `.previous` files are renamed back and `frr-reload.py --reload <main>.running`
 *   puts back the configuration that ran before apply (without a snapshot, the restored main file).
 * - identity: `show bgp vrfs json` (router id of the default VRF), `show running-config` (the
 *   `router bgp <as>` line), `show version`.
 * - neighbors: `show bgp neighbors json`: accepted prefixes per neighbor; FRR does not keep the
 *   received count without soft-reconfiguration.
 */
export const frrDriver: DeviceDriver = {
  platform: frr.id,

  async identity(t, o, steps) {
    const r = new Remote(t, o, steps);
    const vrfs = await vtysh(r, 'show bgp vrfs json');
    const running = await vtysh(r, 'show running-config');
    const version = await vtysh(r, 'show version');
    return frrIdentity(r, vrfs, running, version);
  },

  async survey(t, o, steps): Promise<DeviceSurvey> {
    const r = new Remote(t, o, steps);
    const base = basePathOf(r);
    const shows = ['show bgp vrfs json', 'show running-config', 'show version', 'show bgp neighbors json'];
    const results = await r.batch([
      ...shows.map((command) => ({ line: r.line(vtyshArgv(o, command)), requireOk: true })),
      { line: r.readFileLine(o.managedPath) },
      { line: r.readFileLine(base) },
    ]);
    const [vrfs, running, version, neighbors] = shows.map(
      (command, i) => r.checked(results[i], `vtysh -c '${command}'`).stdout,
    ) as [string, string, string, string];
    return {
      identity: frrIdentity(r, vrfs, running, version),
      managed: r.fileOf(results[4], o.managedPath),
      neighbors: frrNeighborsOf(r, neighbors),
      files: { [base]: r.fileOf(results[5], base) },
    };
  },

  async readManaged(t, o, steps) {
    return new Remote(t, o, steps).readFile(o.managedPath);
  },

  async validate(t, o, candidate, steps, survey) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    const base = await surveyedOrRead(r, survey, basePathOf(r));
    if (base === null) return { ok: false, reason: `The base config ${basePathOf(r)} does not exist` };
    const [written, mainWritten, checked, tested] = await r.batch(
      [
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
        { line: r.line(['vtysh', '-C', '-f', paths.mainCandidate]), requireOk: true },
        { line: r.line(frrReloadArgv(o, '--test', paths.mainCandidate)) },
      ],
      { timeoutMs: 120_000 },
    );
    r.checked(written, `Writing ${paths.candidate}`);
    r.checked(mainWritten, `Writing ${paths.mainCandidate}`);
    const check = checked as ExecResult;
    if (check.exitCode !== 0) {
      return { ok: false, reason: meaningfulLines(outputOf(check)).join('\n') };
    }
    const test = tested as ExecResult;
    const failure = frrReloadFailure(test.exitCode, `${test.stdout}${test.stderr}`);
    if (failure !== null) return { ok: false, reason: `frr-reload.py --test: ${failure}` };
    return { ok: true };
  },

  async apply(t, o, _confirmSeconds, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    if (!(await r.allExist([paths.candidate, paths.mainCandidate])))
      throw r.error('No staged candidate: validate first');
    const running = await vtysh(r, 'show running-config');
    await r.writeFile(runningPath(o), frrRunningConfigAsFile(running), [o.mainConfigPath]);
    const before = (await r.readFile(o.managedPath)) ?? '';
    const after = (await r.readFile(paths.candidate)) ?? '';
    await r.saveCopy(o.managedPath, paths.previous);
    await r.saveCopy(o.mainConfigPath, paths.mainPrevious);
    await r.move([
      [paths.candidate, o.managedPath],
      [paths.mainCandidate, o.mainConfigPath],
    ]);
    await reload(r, o.mainConfigPath);
    // frr-reload.py applies a new neighbor line by line: its session may open before its address
    // family is activated, and then carries no routes of that family. A new neighbor has nothing
    // to lose: it starts over with its whole config.
    for (const ip of newNeighbors(before, after)) await vtysh(r, `clear bgp ${ip}`);
  },

  async confirm(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    await r.remove([paths.previous, paths.mainPrevious, runningPath(o)]);
  },

  async rollback(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    await r.remove([paths.candidate, paths.mainCandidate]);
    const applied = await r.allExist([paths.previous, paths.mainPrevious]);
    if (applied) {
      await r.move([
        [paths.previous, o.managedPath],
        [paths.mainPrevious, o.mainConfigPath],
      ]);
    }
    const snapshot = (await r.allExist([runningPath(o)])) ? runningPath(o) : null;
    if (!applied && snapshot === null) return;
    await reload(r, snapshot ?? o.mainConfigPath);
    if (snapshot !== null) await r.remove([snapshot]);
  },

  async neighbors(t, o, steps) {
    const r = new Remote(t, o, steps);
    return frrNeighborsOf(r, await vtysh(r, 'show bgp neighbors json'));
  },
};

function frrIdentity(r: Remote, vrfs: string, running: string, versionText: string): DeviceIdentity {
  const routerId = parseFrrRouterId(vrfs);
  const asn = parseFrrAs(running);
  const version = parseFrrVersion(versionText);
  if (!routerId || asn === null || !version) {
    throw r.error(`FRR did not report ${!version ? 'its version' : 'a default BGP instance (router bgp)'}`);
  }
  return { routerId, asn, version };
}

function frrNeighborsOf(r: Remote, text: string) {
  const neighbors = parseFrrNeighbors(text);
  if (typeof neighbors === 'string') throw r.error(`vtysh show bgp neighbors json: ${neighbors}`);
  return neighbors;
}

function basePathOf(r: Remote): string {
  if (r.o.basePath === null)
    throw r.error('FRR needs basePath: the operator config peerflow puts before its part');
  return r.o.basePath;
}

/** The running config as it was before apply. */
const runningPath = (o: DeviceOptions) => `${o.mainConfigPath}.running`;

function socketArgs(o: DeviceOptions): string[] {
  return o.controlSocket === null ? [] : ['--vty_socket', o.controlSocket];
}

/** The neighbors `after` declares that `before` does not (`neighbor <ip> remote-as ...` lines). */
export function newNeighbors(before: string, after: string): string[] {
  const declared = (text: string) =>
    new Set([...text.matchAll(/^\s*neighbor (\S+) remote-as /gm)].map((m) => m[1] as string));
  const old = declared(before);
  return [...declared(after)].filter((ip) => !old.has(ip) && canonicalIp(ip) !== undefined);
}

function vtyshArgv(o: DeviceOptions, command: string): string[] {
  return ['vtysh', ...socketArgs(o), '-c', command];
}

async function vtysh(r: Remote, command: string): Promise<string> {
  const result = await r.ok(vtyshArgv(r.o, command), `vtysh -c '${command}'`);
  return result.stdout;
}

function frrReloadArgv(o: DeviceOptions, mode: '--test' | '--reload', file: string): string[] {
  const confdir = posix.dirname(o.mainConfigPath);
  return [FRR_RELOAD, mode, '--stdout', '--confdir', confdir, '--rundir', confdir, ...socketArgs(o), file];
}

async function reload(r: Remote, file: string): Promise<void> {
  reloaded(r, await r.run(frrReloadArgv(r.o, '--reload', file), { timeoutMs: 120_000 }), file);
  // bgpd's RTR manager starts when its config is read at start or when a vty leaves the `rpki`
  // node; frr-reload.py's way of applying the caches does neither, so caches added to a running
  // bgpd would never be connected. `rpki start` starts the manager, and does nothing if it runs.
  const config = (await r.readFile(file)) ?? '';
  if (/^[ \t]*rpki cache \S/m.test(config)) await vtysh(r, 'rpki start');
}

/** Throws unless frr-reload.py's answer says it reloaded `file`. */
function reloaded(r: Remote, result: ExecResult, file: string): void {
  const failure = frrReloadFailure(result.exitCode, `${result.stdout}${result.stderr}`);
  if (failure !== null) throw r.error(`frr-reload.py --reload ${file}: ${failure}`);
}
