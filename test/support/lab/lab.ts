import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from '../../../shared/config-render';
import { startBirdPeer, startBirdRouter } from './bird';
import {
  type LabDaemon,
  type LabDaemonName,
  type LabSessionState,
  type PeerPlan,
  type PeerSetup,
  policyNamesOf,
  type RouterSetup,
} from './daemon';
import { startFrrRouter } from './frr';
import { startGobgpPeer, startGobgpRouter } from './gobgp';
import { startOpenbgpdRouter } from './openbgpd';
import { type LabSsh, startSshd } from './sshd';
import {
  allocateSlot,
  LAB_PREFIX,
  type LabRecord,
  namespacePids,
  recordFor,
  ROOT_LINK_PREFIX,
  sweepStaleLabs,
  teardown,
  teardownNow,
  writeRecord,
} from './state';
import { type CommandResult, inNamespace, run, runOk, waitFor } from './system';

/** The daemons a peer host can run. */
export type LabPeerDaemonName = 'bird2' | 'gobgp';

export interface LabOptions {
  /** The daemon of the router host, the one peerflow configures. */
  readonly router: LabDaemonName;
  /** The peer's daemon; by default another daemon than the router's (gobgp for bird2, else bird2). */
  readonly peer?: LabPeerDaemonName;
  readonly routerAsn?: number;
  readonly peerAsn?: number;
  /** The router's BGP router id (a dotted quad; not necessarily one of its addresses). */
  readonly routerId?: string;
  /**
   * Peer group identifiers (as `groupIdentifier` of config-render makes them) of groups whose policy
   * is `external`: the router defines their policies as the operator would (accepting everything),
   * `<group>_v4_in`, `<group>_v4_out`, `<group>_v6_in`, `<group>_v6_out`. None by default: peerflow
   * writes every group's policies itself.
   */
  readonly externalGroups?: readonly string[];
  /** What the peer announces, instead of `LAB_PEER_PREFIXES`. */
  readonly peerPrefixes?: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
  /** The TCP-MD5 password of the peer's sessions. */
  readonly password?: string;
  /** Start sshd on the router host (default true). */
  readonly ssh?: boolean;
  /** gobgp router: serve its gRPC API with TLS on the management address too (`router.daemon.grpcApi`). */
  readonly grpcApi?: boolean;
}

/** The router host: the daemon peerflow configures, reached over SSH on its management address. */
export interface LabRouter {
  readonly namespace: string;
  readonly hostname: string;
  readonly asn: number;
  readonly routerId: string;
  /** Its addresses on the exchange LAN. */
  readonly lan: { readonly ipv4: string; readonly ipv6: string };
  /**
   * The management link to the root namespace: `address` is the router's end, `gateway` the root
   * namespace's end, `unused` an address of the link's subnet that nobody holds (for tests of an
   * unreachable host), `link` the root end's interface name.
   */
  readonly mgmt: {
    readonly address: string;
    readonly gateway: string;
    readonly prefixLength: number;
    readonly unused: string;
    readonly link: string;
  };
  readonly daemon: LabDaemon;
  /** Null when the lab was created with `ssh: false`. */
  readonly ssh: LabSsh | null;
}

/** The peer host: a daemon that peers with the router on the LAN and announces `prefixes`. */
export interface LabPeer {
  readonly namespace: string;
  readonly asn: number;
  readonly routerId: string;
  readonly lan: { readonly ipv4: string; readonly ipv6: string };
  readonly password: string;
  /** What it announces to the router, per family. */
  readonly prefixes: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
  readonly daemon: LabDaemon;
}

export interface Lab {
  readonly name: string;
  readonly namespaces: readonly string[];
  /** The lab's scratch folder; each host and daemon has a sub-folder. */
  readonly scratch: string;
  readonly router: LabRouter;
  readonly peer: LabPeer;
  /** Runs `argv` inside namespace `ns` (never throws on a non-zero exit). */
  run(
    ns: string,
    argv: readonly string[],
    options?: { input?: string; timeoutMs?: number },
  ): Promise<CommandResult>;
  /** The pids now running in the lab's namespaces. */
  pids(): Promise<number[]>;
  /**
   * Waits until the router reports both sessions with the peer (IPv4, IPv6) established with every
   * announced prefix received; throws with the last states seen after `timeoutMs`. An FRR router
   * that has not got there is started over (`startFrrSessionsOver`), twice at most, each time
   * waiting `timeoutMs` again.
   */
  waitForPeerRoutes(timeoutMs?: number): Promise<{ ipv4: LabSessionState; ipv6: LabSessionState }>;
  /**
   * FRR 8.4 on a loaded machine sometimes takes every IPv6 UPDATE of a session as malformed and
   * withdraws its routes for the session's whole life (its log: "rcvd UPDATE with errors in
   * attr(s)"), while a new session takes the same UPDATEs. On an FRR router, starts both sessions
   * with the peer over (`clear bgp`) and says so; on another daemon, does nothing and answers false.
   */
  startFrrSessionsOver(why: string): Promise<boolean>;
  /** Both daemons' own detailed view of their sessions, for a failed test's message. */
  describeSessions(): Promise<string>;
  /** Stops every process, removes namespaces, links, slot and scratch. Safe to call twice. */
  destroy(): Promise<void>;
}

const LAN = {
  router: { ipv4: '192.0.2.1', ipv6: '2001:db8::1' },
  peer: { ipv4: '192.0.2.2', ipv6: '2001:db8::2' },
};
/**
 * What the peer announces by default: prefixes peerflow's import policy accepts (no bogon, /24 and
 * /48), so they are outside the documentation ranges. They exist only inside the lab's namespaces:
 * no traffic is ever sent to them.
 */
export const LAB_PEER_PREFIXES = {
  ipv4: ['11.0.1.0/24', '11.0.2.0/24', '11.0.3.0/24'],
  ipv6: ['4000:1::/48', '4000:2::/48'],
};
/**
 * The peer's AS by default: not a bogon AS (documentation and private numbers are refused by
 * peerflow's import policy), and one IANA has not allocated, so it names no real network.
 */
export const LAB_PEER_ASN = 4_000_000_001;
const MGMT_PREFIX_LENGTH = 29;

function mgmtOf(slot: number, link: string): LabRouter['mgmt'] {
  const base = slot * 8;
  return {
    gateway: `198.51.100.${base + 1}`,
    address: `198.51.100.${base + 2}`,
    unused: `198.51.100.${base + 6}`,
    prefixLength: MGMT_PREFIX_LENGTH,
    link,
  };
}

const ROUTER_STARTERS: Record<LabDaemonName, (s: RouterSetup) => Promise<LabDaemon>> = {
  bird2: startBirdRouter,
  frr: startFrrRouter,
  openbgpd: startOpenbgpdRouter,
  gobgp: startGobgpRouter,
};
const PEER_STARTERS: Record<LabPeerDaemonName, (s: PeerSetup) => Promise<LabDaemon>> = {
  bird2: startBirdPeer,
  gobgp: startGobgpPeer,
};

async function buildNetwork(record: LabRecord, routerNs: string, peerNs: string, mgmt: LabRouter['mgmt']) {
  for (const ns of [routerNs, peerNs]) {
    await runOk(['ip', 'netns', 'add', ns]);
    await runOk(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
  }
  // The exchange LAN: both ends are created inside the namespaces, never in the root namespace.
  await runOk([
    'ip',
    '-n',
    routerNs,
    'link',
    'add',
    'lan0',
    'type',
    'veth',
    'peer',
    'name',
    'lan0',
    'netns',
    peerNs,
  ]);
  for (const [ns, ips] of [
    [routerNs, LAN.router],
    [peerNs, LAN.peer],
  ] as const) {
    await runOk(['ip', '-n', ns, 'addr', 'add', `${ips.ipv4}/24`, 'dev', 'lan0']);
    await runOk(['ip', '-n', ns, '-6', 'addr', 'add', `${ips.ipv6}/64`, 'dev', 'lan0', 'nodad']);
    await runOk(['ip', '-n', ns, 'link', 'set', 'lan0', 'up']);
  }
  // The management link: the only thing the lab puts in the root namespace.
  await runOk([
    'ip',
    'link',
    'add',
    record.rootLink,
    'type',
    'veth',
    'peer',
    'name',
    'mgmt0',
    'netns',
    routerNs,
  ]);
  // No IPv6 (and so no router solicitations) on the root end: it carries SSH to the lab only.
  writeFileSync(`/proc/sys/net/ipv6/conf/${record.rootLink}/disable_ipv6`, '1');
  await runOk(['ip', 'addr', 'add', `${mgmt.gateway}/${mgmt.prefixLength}`, 'dev', record.rootLink]);
  await runOk(['ip', 'link', 'set', record.rootLink, 'up']);
  await runOk(['ip', '-n', routerNs, 'addr', 'add', `${mgmt.address}/${mgmt.prefixLength}`, 'dev', 'mgmt0']);
  await runOk(['ip', '-n', routerNs, 'link', 'set', 'mgmt0', 'up']);
}

/** Labs of this process not destroyed yet: removed at its exit if a test forgot to. */
const liveLabs = new Set<LabRecord>();

function destroyLeftLabs(): void {
  for (const record of liveLabs) teardownNow(record);
  liveLabs.clear();
}

/**
 * Creates a lab: two namespaces (`pflab-<id>-router`, `pflab-<id>-peer`) on an exchange LAN, the
 * router's management link to this process's namespace, sshd on the router, the router's daemon
 * running the lab's main config with peerflow's empty managed part, and the peer's daemon trying to
 * reach the router. Sweeps the leftovers of killed runs first. On any failure, removes what it made.
 */
export async function createLab(options: LabOptions): Promise<Lab> {
  await sweepStaleLabs();
  const id = randomBytes(3).toString('hex');
  const name = `${LAB_PREFIX}${id}`;
  const routerNs = `${name}-router`;
  const peerNs = `${name}-peer`;
  const slot = allocateSlot(name);
  const scratch = mkdtempSync(join(tmpdir(), `${name}-`));
  // Daemons that drop privileges (FRR, OpenBGPD) reach their own folders below this one.
  chmodSync(scratch, 0o755);
  const record = recordFor(name, {
    namespaces: [routerNs, peerNs],
    rootLink: `${ROOT_LINK_PREFIX}${id}`,
    slot,
    scratch,
  });
  writeRecord(record);
  const started: number[] = [];
  let destroying: Promise<void> | null = null;
  liveLabs.add(record);
  process.once('exit', destroyLeftLabs);
  const destroy = () =>
    (destroying ??= teardown(record, started).finally(() => {
      liveLabs.delete(record);
      process.off('exit', destroyLeftLabs);
    }));

  try {
    const mgmt = mgmtOf(slot, record.rootLink);
    await buildNetwork(record, routerNs, peerNs, mgmt);
    const routerAsn = options.routerAsn ?? 64500;
    const peerAsn = options.peerAsn ?? LAB_PEER_ASN;
    const prefixes = options.peerPrefixes ?? LAB_PEER_PREFIXES;
    const routerId = options.routerId ?? LAN.router.ipv4;
    const hostname = `lab-router-${id}`;
    const password = options.password ?? 'lab-md5-Secret1';
    const peerDaemon = options.peer ?? (options.router === 'bird2' ? 'gobgp' : 'bird2');
    const managed = render(options.router, { hostname, asn: routerAsn, router_id: routerId }, []);
    const plan: PeerPlan = {
      routerIps: LAN.router,
      ownIps: LAN.peer,
      routerAsn,
      password,
      prefixes,
    };
    const onStart = (pid: number) => started.push(pid);
    const [ssh, routerDaemon, peer] = await Promise.all([
      options.ssh === false
        ? Promise.resolve(null)
        : startSshd(routerNs, join(scratch, 'ssh'), mgmt.address).then((s) => {
            onStart(s.pid);
            return s.ssh;
          }),
      ROUTER_STARTERS[options.router]({
        ns: routerNs,
        dir: join(scratch, options.router),
        asn: routerAsn,
        routerId,
        hostname,
        started: onStart,
        policies: policyNamesOf(options.externalGroups ?? []),
        managed,
        ...(options.grpcApi ? { grpcApiAddress: mgmt.address } : {}),
      }),
      PEER_STARTERS[peerDaemon]({
        ns: peerNs,
        dir: join(scratch, `peer-${peerDaemon}`),
        asn: peerAsn,
        routerId: LAN.peer.ipv4,
        hostname: `lab-peer-${id}`,
        started: onStart,
        plan,
      }),
    ]);
    const router: LabRouter = {
      namespace: routerNs,
      hostname,
      asn: routerAsn,
      routerId,
      lan: LAN.router,
      mgmt,
      daemon: routerDaemon,
      ssh,
    };
    const peerHost: LabPeer = {
      namespace: peerNs,
      asn: peerAsn,
      routerId: LAN.peer.ipv4,
      lan: LAN.peer,
      password,
      prefixes,
      daemon: peer,
    };
    const startFrrSessionsOver = async (why: string) => {
      if (router.daemon.platform !== 'frr') return false;
      console.warn(`starting the lab's FRR sessions over: ${why}`);
      for (const ip of [LAN.peer.ipv4, LAN.peer.ipv6]) await router.daemon.cli(['-c', `clear bgp ${ip}`]);
      return true;
    };
    return {
      name,
      namespaces: record.namespaces,
      scratch,
      router,
      peer: peerHost,
      run: (ns, argv, o) => run(inNamespace(ns, argv), o),
      pids: async () => (await Promise.all(record.namespaces.map(namespacePids))).flat(),
      waitForPeerRoutes: async (timeoutMs = 30_000) => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await waitForPeerRoutes(router, peerHost, timeoutMs);
          } catch (e) {
            if (attempt === 3 || !(await startFrrSessionsOver((e as Error).message))) throw e;
          }
        }
      },
      startFrrSessionsOver,
      describeSessions: async () =>
        `router: ${await describeSessions(router.daemon)}\npeer: ${await describeSessions(peer)}`,
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}

/** The daemon's own detailed view of its BGP sessions, as its CLI prints it. */
async function describeSessions(daemon: LabDaemon): Promise<string> {
  const args: Record<LabDaemonName, string[]> = {
    bird2: ['show', 'protocols', 'all'],
    frr: ['-c', 'show bgp neighbors'],
    openbgpd: ['show', 'neighbor'],
    gobgp: ['neighbor'],
  };
  const r = await daemon.cli(args[daemon.platform]);
  let text = `${r.stdout}${r.stderr}`;
  if (daemon.platform === 'frr') {
    // The policy bgpd holds, and the updates it refused (its debug log, see the FRR starter).
    const running = await daemon.cli(['-c', 'show running-config']);
    text += `\n${running.stdout}`;
    try {
      const log = readFileSync(join(daemon.dir, 'frr-debug.log'), 'utf8').split('\n');
      text += `\n${log
        .filter((l) => /DENIED|rcvd UPDATE|Established|went from/i.test(l))
        .slice(-60)
        .join('\n')}`;
    } catch {
      // No debug log.
    }
  }
  return text;
}

async function waitForPeerRoutes(router: LabRouter, peer: LabPeer, timeoutMs: number) {
  let last: unknown = null;
  try {
    return await waitFor(
      `sessions of ${router.daemon.platform} with the peer established with all routes`,
      async () => {
        const [ipv4, ipv6] = await Promise.all([
          router.daemon.session(peer.lan.ipv4),
          router.daemon.session(peer.lan.ipv6),
        ]);
        last = { ipv4, ipv6 };
        const complete = (s: LabSessionState | null, n: number): s is LabSessionState =>
          s !== null && s.established && s.received === n;
        return complete(ipv4, peer.prefixes.ipv4.length) && complete(ipv6, peer.prefixes.ipv6.length)
          ? { ipv4, ipv6 }
          : null;
      },
      timeoutMs,
      500,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen: ${JSON.stringify(last)}`, { cause: e });
  }
}

/** Checks that a namespace is ours before a test touches it by name. */
export function isLabNamespace(ns: string): boolean {
  return ns.startsWith(LAB_PREFIX);
}
