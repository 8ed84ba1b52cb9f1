import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  daemonHandle,
  type LabDaemon,
  type LabSessionState,
  type RouterSetup,
  shellLine,
  waitForDaemon,
} from './daemon';
import { startInNamespace } from './system';

/**
 * OpenBGPD. Router: `bgpd.conf` (the lab's) names its own control sockets, `include`s
 * `managed.conf` (peerflow's part: `AS`, `router-id`, the groups and their filter rules). The rules of
 * a group whose policy is `external` go with the managed file that declares it. Reload: `bgpctl -s <socket> reload` (it exits 0 even when the new config is
 * refused: its output says "reload failed"). bgpd drops privileges to `_openbgpd` and chroots to its
 * home folder, /run/openbgpd, which the lab creates when missing.
 */
const CHROOT = '/run/openbgpd';

export async function startOpenbgpdRouter(setup: RouterSetup): Promise<LabDaemon> {
  mkdirSync(setup.dir, { recursive: true });
  mkdirSync(CHROOT, { recursive: true, mode: 0o755 });
  const main = join(setup.dir, 'bgpd.conf');
  const managed = join(setup.dir, 'managed.conf');
  const socket = join(setup.dir, 'bgpd.sock');
  const logFile = join(setup.dir, 'bgpd.log');
  writeFileSync(managed, setup.managed);
  writeFileSync(
    main,
    [
      `# The lab's router ${setup.hostname}: the operator's part. peerflow's part is the include.`,
      `socket "${socket}"`,
      `socket "${join(setup.dir, 'bgpd.rsock')}" restricted`,
      '',
      `include "${managed}"`,
      '',
      // No filter rules: peerflow writes each managed group's. bgpd names no policies, so the rules of
      // an `external` group go with the managed file that declares the group (bgpd refuses a rule
      // naming a group it does not know yet).
      '',
    ].join('\n'),
  );
  // -d: stays in the foreground (its session engine and RDE are its children in the namespace).
  const child = startInNamespace(setup.ns, ['bgpd', '-d', '-f', main], logFile);
  if (child.pid === undefined) throw new Error('bgpd did not start');
  setup.started(child.pid);
  const pidFile = join(setup.dir, 'bgpd.pid');
  writeFileSync(pidFile, `${child.pid}\n`);
  const cliCommand = ['bgpctl', '-s', socket];
  const daemon = daemonHandle({
    platform: 'openbgpd',
    namespace: setup.ns,
    dir: setup.dir,
    mainConfigPath: main,
    managedPath: managed,
    basePath: null,
    controlSocket: socket,
    pidFile,
    logFile,
    cliCommand,
    reloadCommand: shellLine([...cliCommand, 'reload']),
    session: (ip) => openbgpdSession(daemon, ip),
    pids: [child.pid],
  });
  await waitForDaemon(
    `bgpd in ${setup.ns}`,
    async () => (await daemon.cli(['show', 'summary'])).exitCode === 0,
    logFile,
  );
  return daemon;
}

/** `bgpctl -j show neighbor`: the neighbor whose remote address is `ip`. */
async function openbgpdSession(daemon: LabDaemon, ip: string): Promise<LabSessionState | null> {
  const r = await daemon.cli(['-j', 'show', 'neighbor']);
  // With no neighbor at all, bgpctl answers a FAILED status ("no such neighbor") and exits non-zero.
  if (/no such neighbor/.test(r.stdout)) return null;
  if (r.exitCode !== 0) throw new Error(`bgpctl: ${r.stdout}${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as {
    neighbors?: { remote_addr?: string; state?: string; stats?: { prefixes?: { received?: number } } }[];
  };
  const n = (parsed.neighbors ?? []).find((x) => x.remote_addr === ip);
  if (!n) return null;
  const state = n.state ?? 'unknown';
  return {
    state,
    established: state.toLowerCase() === 'established',
    received: n.stats?.prefixes?.received ?? null,
  };
}
