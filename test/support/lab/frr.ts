import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  daemonHandle,
  type LabDaemon,
  type LabSessionState,
  nsOk,
  type RouterSetup,
  shellLine,
  waitForDaemon,
} from './daemon';
import { run, runOk, startInNamespace } from './system';

/**
 * FRR (zebra and bgpd, no watchfrr), every path in the daemon's folder: the vty sockets
 * (`--vty_socket`, which is `controlSocket`), zserv.api, pid files. FRR has no include. Router
 * layout: `base.conf` (the operator's part: hostname, the route-maps of `external` groups) and
 * `managed.conf` (peerflow's part: the `router bgp` block). The config FRR runs, `frr.conf`, is base
 * then managed, byte for byte; it is loaded at start with `vtysh -f`, and `reloadCommand` rebuilds
 * it with `cat` and applies the difference with `frr-reload.py --reload` (the folder also holds the
 * `vtysh.conf` it wants). The CLI: `vtysh --vty_socket <dir>` (no `-N`: with `--vty_socket`, vtysh
 * would look for the sockets in a sub-folder named after the pathspace).
 */
const FRR_RELOAD = '/usr/lib/frr/frr-reload.py';

/** bgpd's RPKI module (Debian's frr-rpki-rtrlib), wherever the machine's architecture puts it. */
export function frrRpkiModule(): string | null {
  const lib = '/usr/lib';
  for (const dir of readdirSync(lib)) {
    const path = join(lib, dir, 'frr', 'modules', 'bgpd_rpki.so');
    if (existsSync(path)) return path;
  }
  return null;
}

function frrFiles(dir: string) {
  return {
    main: join(dir, 'frr.conf'),
    base: join(dir, 'base.conf'),
    managed: join(dir, 'managed.conf'),
    vtyshConf: join(dir, 'vtysh.conf'),
    zserv: join(dir, 'zserv.api'),
    log: join(dir, 'frr.log'),
    debugLog: join(dir, 'frr-debug.log'),
  };
}

async function frrIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([runOk(['id', '-u', 'frr']), runOk(['id', '-g', 'frr'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startFrrRouter(setup: RouterSetup): Promise<LabDaemon> {
  mkdirSync(setup.dir, { recursive: true });
  const files = frrFiles(setup.dir);
  // zebra and bgpd drop to the frr user: it creates its sockets and pid files in this folder.
  const { uid, gid } = await frrIds();
  chownSync(setup.dir, uid, gid);
  chmodSync(setup.dir, 0o755);
  writeFileSync(files.vtyshConf, 'service integrated-vtysh-config\n');
  writeFileSync(
    files.base,
    [
      `! The lab's router ${setup.hostname}: the operator's part, read before peerflow's managed part.`,
      'frr defaults traditional',
      `hostname ${setup.hostname}`,
      'service integrated-vtysh-config',
      '! What bgpd did with each update it received, for a failed test to show.',
      `log file ${files.debugLog} debugging`,
      'debug bgp updates in',
      'debug bgp neighbor-events',
      '! The operator route-maps of the groups whose policy is external, if any: accept everything.',
      ...setup.policies.flatMap((p) => [`route-map ${p} permit 10`, 'exit']),
      '',
    ].join('\n'),
  );
  writeFileSync(files.managed, setup.managed);
  const assemble = `cat ${files.base} ${files.managed} > ${files.main}`;
  await nsOk(setup.ns, ['sh', '-c', assemble]);

  const common = ['--vty_socket', setup.dir, '-z', files.zserv, '-f', '/dev/null'];
  const pids: number[] = [];
  // bgpd loads its RPKI module when the machine has it, so that peerflow's RTR config can be tried.
  const modules: Record<string, string[]> = { zebra: [], bgpd: frrRpkiModule() ? ['-M', 'rpki'] : [] };
  for (const name of ['zebra', 'bgpd']) {
    const child = startInNamespace(
      setup.ns,
      [`/usr/lib/frr/${name}`, ...common, ...modules[name]!, '-i', join(setup.dir, `${name}.pid`)],
      join(setup.dir, `${name}.log`),
    );
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    setup.started(child.pid);
    pids.push(child.pid);
  }
  const cliCommand = ['vtysh', '--vty_socket', setup.dir];
  const reload = [
    FRR_RELOAD,
    '--reload',
    '--stdout',
    '--bindir',
    '/usr/bin',
    '--confdir',
    setup.dir,
    '--rundir',
    setup.dir,
    '--vty_socket',
    setup.dir,
    files.main,
  ];
  const daemon = daemonHandle({
    platform: 'frr',
    namespace: setup.ns,
    dir: setup.dir,
    mainConfigPath: files.main,
    managedPath: files.managed,
    basePath: files.base,
    controlSocket: setup.dir,
    pidFile: join(setup.dir, 'bgpd.pid'),
    logFile: join(setup.dir, 'bgpd.log'),
    cliCommand,
    reloadCommand: `${assemble} && ${shellLine(reload)}`,
    session: (ip) => frrSession(daemon, ip),
    pids,
  });
  // vtysh talks to every daemon it knows of: wait until zebra and bgpd both answer.
  await waitForDaemon(
    `zebra and bgpd in ${setup.ns}`,
    async () => {
      const r = await daemon.cli(['-c', 'show daemons']);
      return r.exitCode === 0 && /zebra/.test(r.stdout) && /bgpd/.test(r.stdout);
    },
    join(setup.dir, 'bgpd.log'),
  );
  const load = await run([...['ip', 'netns', 'exec', setup.ns], ...cliCommand, '-f', files.main]);
  if (load.exitCode !== 0) throw new Error(`vtysh -f ${files.main}: ${load.stdout}${load.stderr}`);
  return daemon;
}

/** `show bgp summary json`: the neighbor in whichever address family lists it. */
async function frrSession(daemon: LabDaemon, ip: string): Promise<LabSessionState | null> {
  const r = await daemon.cli(['-c', 'show bgp summary json']);
  if (r.exitCode !== 0) throw new Error(`vtysh: ${r.stdout}${r.stderr}`);
  const families = JSON.parse(r.stdout || '{}') as Record<
    string,
    { peers?: Record<string, { state?: string; pfxRcd?: number }> }
  >;
  let state: string | null = null;
  let received = 0;
  for (const family of Object.values(families)) {
    const peer = family.peers?.[ip];
    if (!peer) continue;
    state = peer.state ?? 'unknown';
    received += peer.pfxRcd ?? 0;
  }
  return state === null ? null : { state, established: state === 'Established', received };
}
