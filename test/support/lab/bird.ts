import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  daemonHandle,
  type LabDaemon,
  type LabSessionState,
  type PeerSetup,
  type RouterSetup,
  shellLine,
  waitForDaemon,
} from './daemon';
import { startInNamespace } from './system';

/**
 * BIRD 2. Router: `bird.conf` (the lab's) defines the device protocol and the filters of `external`
 * groups, if any, then
 * `include`s `managed.conf` (peerflow's part; it carries `router id` and the BGP protocols).
 * Reload: `birdc -s <socket> configure`.
 */
function birdFiles(dir: string) {
  return {
    main: join(dir, 'bird.conf'),
    managed: join(dir, 'managed.conf'),
    socket: join(dir, 'bird.ctl'),
    pid: join(dir, 'bird.pid'),
    log: join(dir, 'bird.log'),
  };
}

async function startBird(
  setup: RouterSetup | PeerSetup,
  files: ReturnType<typeof birdFiles>,
  managedPath: string,
): Promise<LabDaemon> {
  const cliCommand = ['birdc', '-s', files.socket];
  const child = startInNamespace(
    setup.ns,
    ['bird', '-f', '-c', files.main, '-s', files.socket, '-P', files.pid],
    files.log,
  );
  if (child.pid === undefined) throw new Error('bird did not start');
  setup.started(child.pid);
  const daemon = daemonHandle({
    platform: 'bird2',
    namespace: setup.ns,
    dir: setup.dir,
    mainConfigPath: files.main,
    managedPath,
    basePath: null,
    controlSocket: files.socket,
    pidFile: files.pid,
    logFile: files.log,
    cliCommand,
    reloadCommand: shellLine([...cliCommand, 'configure']),
    session: (ip) => birdSession(daemon, ip),
    pids: [child.pid],
  });
  await waitForDaemon(
    `bird in ${setup.ns}`,
    async () => (await daemon.cli(['show', 'status'])).stdout.includes('Daemon is up'),
    files.log,
  );
  return daemon;
}

export async function startBirdRouter(setup: RouterSetup): Promise<LabDaemon> {
  mkdirSync(setup.dir, { recursive: true });
  const files = birdFiles(setup.dir);
  writeFileSync(files.managed, setup.managed);
  writeFileSync(
    files.main,
    [
      `# The lab's router ${setup.hostname}: the operator's part. peerflow's part is the include.`,
      'protocol device {',
      '}',
      '',
      '# The operator filters of the groups whose policy is external, if any: accept everything.',
      ...setup.policies.map((p) => `filter ${p} { accept; }`),
      '',
      `include "${files.managed}";`,
      '',
    ].join('\n'),
  );
  return startBird(setup, files, files.managed);
}

export async function startBirdPeer(setup: PeerSetup): Promise<LabDaemon> {
  mkdirSync(setup.dir, { recursive: true });
  const files = birdFiles(setup.dir);
  const { plan } = setup;
  const statics = (family: 'ipv4' | 'ipv6') => [
    `protocol static originated_${family} {`,
    `  ${family};`,
    ...plan.prefixes[family].map((p) => `  route ${p} blackhole;`),
    '}',
  ];
  const session = (family: 'ipv4' | 'ipv6') => [
    `protocol bgp router_${family} {`,
    `  local ${plan.ownIps[family]} as ${setup.asn};`,
    `  neighbor ${plan.routerIps[family]} as ${plan.routerAsn};`,
    `  password "${plan.password}";`,
    // Retry quickly: the router learns of this peer only when a test writes its managed config.
    '  connect delay time 1;',
    '  connect retry time 2;',
    '  error wait time 1, 2;',
    `  ${family} {`,
    '    import all;',
    `    export where proto = "originated_${family}";`,
    '  };',
    '}',
  ];
  writeFileSync(
    files.main,
    [
      `router id ${setup.routerId};`,
      'protocol device {',
      '}',
      ...statics('ipv4'),
      ...statics('ipv6'),
      ...session('ipv4'),
      ...session('ipv6'),
      '',
    ].join('\n'),
  );
  return startBird(setup, files, files.main);
}

/** Reads `show protocols all`: the block whose neighbor is `ip`, its state and imported routes. */
async function birdSession(daemon: LabDaemon, ip: string): Promise<LabSessionState | null> {
  const r = await daemon.cli(['show', 'protocols', 'all']);
  if (r.exitCode !== 0) throw new Error(`birdc: ${r.stdout}${r.stderr}`);
  const blocks = r.stdout.split(/\n(?=\S)/);
  for (const block of blocks) {
    const neighbor = /Neighbor address:\s+(\S+)/.exec(block)?.[1];
    if (neighbor !== ip) continue;
    const state = /BGP state:\s+(\S+)/.exec(block)?.[1] ?? 'unknown';
    const routes = [...block.matchAll(/Routes:\s+(\d+) imported/g)].map((m) => Number(m[1]));
    return {
      state,
      established: state === 'Established',
      received: routes.length === 0 ? null : routes.reduce((a, b) => a + b, 0),
    };
  }
  return null;
}
