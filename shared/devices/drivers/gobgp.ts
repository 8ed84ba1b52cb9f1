import { gobgp } from '../../config-render';
import { canonicalIp } from '../../kernel';
import type { DeviceDriver, DeviceOptions, NeighborState } from '../device';
import { joinBaseAndManaged, meaningfulLines } from './config-files';
import {
  gobgpdPidsFor,
  parseGobgpdVersion,
  parseGobgpGlobal,
  parseGobgpNeighbors,
  summarizeGobgpConfig,
} from './gobgp-state';
import { outputOf, pause, Remote, stagingPaths } from './remote';

/** How long apply and rollback wait for gobgpd to show the neighbors of the file it was told to read. */
const RELOAD_CHECKS = 20;
const RELOAD_CHECK_INTERVAL_MS = 500;

/**
 * GoBGP 3, through the `gobgp` CLI (`--target controlSocket` when set: `host:port` or
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
 * - validate: every neighbor address of the candidate must be an IP address (gobgpd would resolve
 *   any other word by DNS); the candidate goes to `<managed>.candidate`, base + candidate to
 *   `<main>.candidate`, and `gobgpd -d -f <main>.candidate -t toml` parses it. gobgpd takes
 *   `[global.config]` only when it starts: a candidate with another AS or router id than
 *   `gobgp global -j` reports is refused.
 * - apply: main and managed files saved as `.previous`, candidates renamed into place, then
 *   SIGHUP to the gobgpd started with `-f <main>` (found with `pgrep -a -x gobgpd`). A signal has no
 *   answer, and gobgpd keeps its old config when it cannot read the new one: apply reads
 *   `gobgp neighbor -j` until it lists exactly the neighbors of the new file, else it fails.
 * - confirm: the saved copies are removed.
 * - rollback: the `.previous` files renamed back, SIGHUP, and the same wait for their neighbors.
 * - identity: `gobgp global -j` (asn, router_id), `gobgpd --version`.
 * - neighbors: `gobgp neighbor -j` (enums as numbers, zero fields left out): received and accepted.
 */
export const gobgpDriver: DeviceDriver = {
  platform: gobgp.id,

  async identity(t, o, steps) {
    const r = new Remote(t, o, steps);
    const global = parseGobgpGlobal((await r.ok(gobgpArgv(o, ['global', '-j']), 'gobgp global -j')).stdout);
    const versionOutput = await r.ok(['gobgpd', '--version'], 'gobgpd --version');
    const version = parseGobgpdVersion(`${versionOutput.stdout}${versionOutput.stderr}`);
    if (!global || !version) throw r.error('gobgp did not report its AS, router id and version');
    return { ...global, version };
  },

  async readManaged(t, o, steps) {
    return new Remote(t, o, steps).readFile(o.managedPath);
  },

  async validate(t, o, candidate, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    const summary = summarizeGobgpConfig(candidate);
    const notIp = summary.neighbors.filter((a) => !canonicalIp(a));
    if (notIp.length > 0) {
      return { ok: false, reason: `Neighbor addresses that are not IP addresses: ${notIp.join(', ')}` };
    }
    const basePath = basePathOf(r);
    const base = await r.readFile(basePath);
    if (base === null) return { ok: false, reason: `The base config ${basePath} does not exist` };
    await r.writeFile(paths.candidate, candidate, [o.managedPath, o.mainConfigPath]);
    await r.writeFile(paths.mainCandidate, joinBaseAndManaged(base, candidate), [o.mainConfigPath]);
    const check = await r.run(['gobgpd', '-d', '-f', paths.mainCandidate, '-t', 'toml']);
    if (check.exitCode !== 0) return { ok: false, reason: meaningfulLines(outputOf(check)).join('\n') };
    const running = parseGobgpGlobal((await r.ok(gobgpArgv(o, ['global', '-j']), 'gobgp global -j')).stdout);
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
    if (!(await r.allExist([paths.candidate, paths.mainCandidate])))
      throw r.error('No staged candidate: validate first');
    const pid = await gobgpdPid(r);
    await r.saveCopy(o.managedPath, paths.previous);
    await r.saveCopy(o.mainConfigPath, paths.mainPrevious);
    await r.move([
      [paths.candidate, o.managedPath],
      [paths.mainCandidate, o.mainConfigPath],
    ]);
    await reload(r, pid);
  },

  async confirm(t, o, steps) {
    const paths = stagingPaths(o);
    await new Remote(t, o, steps).remove([paths.previous, paths.mainPrevious]);
  },

  async rollback(t, o, steps) {
    const r = new Remote(t, o, steps);
    const paths = stagingPaths(o);
    await r.remove([paths.candidate, paths.mainCandidate]);
    if (!(await r.allExist([paths.previous, paths.mainPrevious]))) return;
    const pid = await gobgpdPid(r);
    await r.move([
      [paths.previous, o.managedPath],
      [paths.mainPrevious, o.mainConfigPath],
    ]);
    await reload(r, pid);
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
  return ['gobgp', ...(o.controlSocket === null ? [] : ['--target', o.controlSocket]), ...command];
}

async function readNeighbors(r: Remote): Promise<NeighborState[]> {
  const result = await r.ok(gobgpArgv(r.o, ['neighbor', '-j']), 'gobgp neighbor -j');
  const neighbors = parseGobgpNeighbors(result.stdout);
  if (typeof neighbors === 'string') throw r.error(`gobgp neighbor -j: ${neighbors}`);
  return neighbors;
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

/** SIGHUP, then waits until gobgpd lists exactly the neighbors the main file declares. */
async function reload(r: Remote, pid: number): Promise<void> {
  const main = await r.readFile(r.o.mainConfigPath);
  if (main === null) throw r.error(`${r.o.mainConfigPath} is gone`);
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
