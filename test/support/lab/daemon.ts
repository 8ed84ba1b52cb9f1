import { readFileSync, writeFileSync } from 'node:fs';
import type { DeviceOptions } from '../../../shared/devices';
import { type CommandResult, inNamespace, run, runOk, waitFor } from './system';

/** The BGP daemons the lab runs, by their peerflow platform id. */
export const LAB_DAEMONS = ['bird2', 'frr', 'openbgpd', 'gobgp'] as const;
export type LabDaemonName = (typeof LAB_DAEMONS)[number];

/** A session as the daemon's own CLI reports it. */
export interface LabSessionState {
  /** The daemon's word for the state, as printed (`Established`, `Active`, `ESTABLISHED`, `6`...). */
  readonly state: string;
  readonly established: boolean;
  /** Routes received from the neighbor, all address families together; null when not reported. */
  readonly received: number | null;
}

/**
 * One BGP daemon running in a namespace. Paths are absolute and the same inside the namespace, on
 * the router host over SSH, and in the test process (the namespaces share the file system).
 */
export interface LabDaemon {
  readonly platform: LabDaemonName;
  readonly namespace: string;
  /** The daemon's own scratch folder: configs, sockets, pid and log files. */
  readonly dir: string;
  /** The file the daemon reads. bird2, openbgpd: it includes `managedPath`. frr, gobgp: `basePath` then `managedPath`, joined by `reloadCommand`. */
  readonly mainConfigPath: string;
  /** peerflow's part of the config. For a peer, the same as `mainConfigPath` (the lab writes it all). */
  readonly managedPath: string;
  /** frr, gobgp on a router: the operator's part (policies) placed before the managed part; null otherwise. */
  readonly basePath: string | null;
  /** bird2: birdc socket; openbgpd: bgpctl socket; frr: the folder of the vty sockets; gobgp: gRPC `host:port` inside the namespace. */
  readonly controlSocket: string;
  readonly pidFile: string;
  readonly logFile: string;
  /** The daemon's CLI with its options, as argv: run it inside the namespace (over SSH, join with spaces). */
  readonly cliCommand: readonly string[];
  /** A shell command, run inside the namespace, that makes the daemon load its config files again. */
  readonly reloadCommand: string;
  /** The connection options a peerflow driver needs for this daemon. */
  readonly deviceOptions: DeviceOptions;
  /** Runs the CLI inside the namespace with `args` appended. */
  cli(args: readonly string[]): Promise<CommandResult>;
  /** Runs `reloadCommand` inside the namespace. */
  reload(): Promise<CommandResult>;
  /** Replaces the managed file's content (does not reload). */
  writeManaged(text: string): void;
  /** The session with `peerIp` as the CLI reports it; null when the daemon has no such neighbor. */
  session(peerIp: string): Promise<LabSessionState | null>;
  /** The pids the lab started for this daemon (the namespace may hold more: their children). */
  readonly pids: readonly number[];
  /** gobgp router started with `grpcApi`: its API over TLS on the management address. */
  readonly grpcApi?: LabGrpcApi;
}

/** gobgpd's gRPC API as a peerflow `grpc` connection reaches it. */
export interface LabGrpcApi {
  readonly host: string;
  readonly port: number;
  /** The server certificate's SHA-256 fingerprint, as `openssl x509 -fingerprint -sha256` prints it. */
  readonly certificateSha256: string;
  /** A client certificate and key made for the lab (gobgpd 3.10 does not ask for one). */
  readonly clientCertificate: string;
  readonly clientKey: string;
}

/** The prefixes a peer announces, and the session it runs with the router. */
export interface PeerPlan {
  readonly routerIps: { readonly ipv4: string; readonly ipv6: string };
  readonly ownIps: { readonly ipv4: string; readonly ipv6: string };
  readonly routerAsn: number;
  readonly password: string;
  readonly prefixes: { readonly ipv4: readonly string[]; readonly ipv6: readonly string[] };
}

/** What every daemon starter gets. */
export interface DaemonSetup {
  readonly ns: string;
  readonly dir: string;
  readonly asn: number;
  readonly routerId: string;
  readonly hostname: string;
  /** Called with each pid as soon as a process is started, so that cleanup finds it even if startup fails. */
  readonly started: (pid: number) => void;
}

export interface RouterSetup extends DaemonSetup {
  /**
   * The operator's policies the managed config references: `<group>_in` and `<group>_out` of each
   * group whose policy is `external`. peerflow writes the others itself.
   */
  readonly policies: readonly string[];
  /** The managed file's first content. */
  readonly managed: string;
  /** gobgp: also serve the gRPC API with TLS on this (management) address. */
  readonly grpcApiAddress?: string;
}

export interface PeerSetup extends DaemonSetup {
  readonly plan: PeerPlan;
}

/** `value` quoted for a POSIX shell. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

export function shellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** The parts every daemon shares: the CLI, the reload and the managed file. */
export function daemonHandle(
  fields: Omit<LabDaemon, 'cli' | 'reload' | 'writeManaged' | 'deviceOptions'>,
): LabDaemon {
  return {
    ...fields,
    deviceOptions: {
      managedPath: fields.managedPath,
      mainConfigPath: fields.mainConfigPath,
      basePath: fields.basePath,
      controlSocket: fields.controlSocket,
      sudo: false,
    },
    cli: (args) => run(inNamespace(fields.namespace, [...fields.cliCommand, ...args]), { timeoutMs: 30_000 }),
    reload: () =>
      run(inNamespace(fields.namespace, ['sh', '-c', fields.reloadCommand]), { timeoutMs: 60_000 }),
    writeManaged: (text) => writeFileSync(fields.managedPath, text),
  };
}

/** Runs `argv` in `ns` and fails the lab's setup when it does not exit 0. */
export function nsOk(ns: string, argv: readonly string[]): Promise<CommandResult> {
  return runOk(inNamespace(ns, argv));
}

/** The policy names of `groups`: `<group>_v4_in`, `<group>_v4_out`, `<group>_v6_in`, `<group>_v6_out`. */
export function policyNamesOf(groups: readonly string[]): string[] {
  return [...new Set(groups)].flatMap((g) => ['v4', 'v6'].flatMap((f) => [`${g}_${f}_in`, `${g}_${f}_out`]));
}

/** Waits for a daemon to answer; when it does not, the error carries the end of its log. */
export async function waitForDaemon(
  what: string,
  probe: () => Promise<boolean>,
  logFile: string,
): Promise<void> {
  try {
    await waitFor(what, probe, 15_000);
  } catch (e) {
    let tail = '';
    try {
      tail = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ');
    } catch {
      // No log yet.
    }
    throw new Error(`${(e as Error).message}; its log: ${tail || '(empty)'}`, { cause: e });
  }
}
