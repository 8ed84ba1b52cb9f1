import type { Platform } from '../config-render';

/**
 * The device side of delivery: how peerflow reaches a router's management plane and what it asks
 * the daemon there. The deployment workflow (shared/deployments) drives these steps in order and
 * records each one; nothing here knows about the API, the table or the sessions area.
 */

/** What a command run on a device gave back. `output` is stdout and stderr as the device wrote them. */
export interface ExecResult {
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One open management connection to a device (SSH today; gRPC for GoBGP later). */
export interface DeviceTransport {
  /** Runs one shell command; `input` goes to its standard input. Never throws on a non-zero exit. */
  exec(command: string, options?: { input?: string; timeoutMs?: number }): Promise<ExecResult>;
  close(): Promise<void>;
}

/** What differs per host, from the connection's `options`. Paths are on the device, absolute. */
export interface DeviceOptions {
  /** The peerflow-managed file: what peerflow rendered for the router, as delivered. */
  readonly managedPath: string;
  /**
   * The config file the daemon reads. BIRD, OpenBGPD: it includes `managedPath`. FRR, GoBGP (no
   * include): peerflow writes it as `basePath` followed by `managedPath`.
   */
  readonly mainConfigPath: string;
  /**
   * FRR, GoBGP: the operator's part of the config (everything but peerflow's), which peerflow puts
   * before the managed part in `mainConfigPath`. Null for a daemon whose main config includes the
   * managed file.
   */
  readonly basePath: string | null;
  /**
   * Where the daemon's control interface is, when not its default: BIRD, OpenBGPD: the control
   * socket; FRR: the folder of the vty sockets (`--vty_socket`); GoBGP: the gRPC target (`host:port`
   * or `unix:///path`).
   */
  readonly controlSocket: string | null;
  /** Prefix every command with `sudo -n`. */
  readonly sudo: boolean;
}

/** The identity a daemon reports of itself, checked against the router record before any write. */
export interface DeviceIdentity {
  readonly routerId: string;
  /**
   * The daemon's own AS. Null only where the daemon has no router-wide AS and no BGP session to
   * tell it from (BIRD sets the AS per session).
   */
  readonly asn: number | null;
  /** The daemon's name and version as it reports them. */
  readonly version: string;
}

/** The states of RFC 4271's finite state machine, plus an administrative shutdown. */
export const NEIGHBOR_STATES = [
  'idle',
  'connect',
  'active',
  'opensent',
  'openconfirm',
  'established',
  'admin_down',
] as const;
export type NeighborStateName = (typeof NEIGHBOR_STATES)[number];

/** A BGP neighbor as the daemon reports it. */
export interface NeighborState {
  /** Canonical text form (`canonicalIp` of shared/kernel). */
  readonly peerIp: string;
  readonly peerAsn: number | null;
  readonly state: NeighborStateName;
  /** Routes received from the neighbor (before import filters), when the daemon says. */
  readonly prefixesReceived: number | null;
  /** Routes accepted by the import filters, when the daemon says. */
  readonly prefixesAccepted: number | null;
}

/** A step's record: what ran on the device and what it answered (secrets masked by the caller). */
export type DeviceStep = ExecResult;

/**
 * What one look at a device finds before anything is written: who it is, peerflow's file as it is,
 * every neighbor's state, and the files beside it that staging a candidate needs.
 */
export interface DeviceSurvey {
  readonly identity: DeviceIdentity;
  /** The managed file as it is now; null when it does not exist. */
  readonly managed: string | null;
  readonly neighbors: readonly NeighborState[];
  /**
   * Other files read in the same look, by path, null when absent: the main config (BIRD, OpenBGPD)
   * or the base (FRR, GoBGP) that `validate` stages the candidate against.
   */
  readonly files: Readonly<Record<string, string | null>>;
}

/**
 * One daemon's way of taking a config safely. Every method records the commands it ran in `steps`
 * (in order), and throws `DeviceError` (with the steps so far) when the device refuses or answers
 * what the driver cannot read.
 */
export interface DeviceDriver {
  readonly platform: Platform;
  /** Router id and AS as the running daemon reports them. */
  identity(t: DeviceTransport, o: DeviceOptions, steps: DeviceStep[]): Promise<DeviceIdentity>;
  /** The managed file as it is on the device now; null when it does not exist. */
  readManaged(t: DeviceTransport, o: DeviceOptions, steps: DeviceStep[]): Promise<string | null>;
  /**
   * `identity`, `readManaged` and `neighbors` together, and the files `validate` needs, in as few
   * round trips as the daemon allows (one, for the four open-source daemons). Writes nothing.
   * Optional: `surveyDevice` asks the three methods one by one of a driver without it.
   */
  survey?(t: DeviceTransport, o: DeviceOptions, steps: DeviceStep[]): Promise<DeviceSurvey>;
  /**
   * Uploads `candidate` to a staging file and checks the whole configuration, as it would be with
   * the candidate in place, with the daemon's own parser. Nothing the daemon runs changes. With a
   * `survey` of this deployment, the files it read are not read again.
   */
  validate(
    t: DeviceTransport,
    o: DeviceOptions,
    candidate: string,
    steps: DeviceStep[],
    survey?: DeviceSurvey,
  ): Promise<Verdict>;
  /**
   * Puts the candidate staged by the last `validate` in place and makes the daemon run it, keeping
   * what is needed to go back: a rollback timer of `confirmSeconds` where the daemon has one (BIRD),
   * a saved copy of the previous files otherwise. When it throws, the device may be half-way: call
   * `rollback`. Call it once per `validate`, and follow it with `confirm` or `rollback`.
   */
  apply(t: DeviceTransport, o: DeviceOptions, confirmSeconds: number, steps: DeviceStep[]): Promise<void>;
  /**
   * `apply`, then the first read of `neighbors`, in one round trip where the daemon allows it (BIRD).
   * The apply's commands go to `applySteps`, the read's to `readSteps`. It throws as `apply` does
   * when the apply fails (then nothing is read); a read that fails is answered as `read: error`.
   * Optional: `applyAndRead` calls the two one after the other for a driver without it.
   */
  applyAndRead?(
    t: DeviceTransport,
    o: DeviceOptions,
    confirmSeconds: number,
    applySteps: DeviceStep[],
    readSteps: DeviceStep[],
  ): Promise<FirstRead>;
  /**
   * `validate`, then, only once the daemon accepted the candidate, `applyAndRead`: all in one round
   * trip where the daemon allows it (BIRD), the device itself stopping before the apply when the
   * check fails. The commands go to `steps.validate`, `steps.apply` and `steps.read`. It throws as
   * `validate` does when the candidate cannot be staged; `applied` is null when the daemon refused
   * the candidate (nothing was applied), else how the apply went. Optional: the workflow calls
   * `validate` then `applyAndRead` for a driver without it.
   */
  validateAndApply?(
    t: DeviceTransport,
    o: DeviceOptions,
    candidate: string,
    confirmSeconds: number,
    steps: { validate: DeviceStep[]; apply: DeviceStep[]; read: DeviceStep[] },
    survey?: DeviceSurvey,
  ): Promise<{ verdict: Verdict; applied: Applied | null }>;
  /** Keeps what `apply` put in place (stops the timer, promotes the file, drops the saved copy). */
  confirm(t: DeviceTransport, o: DeviceOptions, steps: DeviceStep[]): Promise<void>;
  /**
   * Goes back to the configuration from before `apply`, and makes the daemon run it; also drops a
   * staged candidate. Safe to call after a failed `apply`, or when nothing was applied.
   */
  rollback(t: DeviceTransport, o: DeviceOptions, steps: DeviceStep[]): Promise<void>;
  /** Every BGP neighbor the daemon has, with its state. */
  neighbors(t: DeviceTransport, o: DeviceOptions, steps: DeviceStep[]): Promise<NeighborState[]>;
}

/** One look at the device through `driver.survey`, or its three reads one after the other. */
export async function surveyDevice(
  driver: DeviceDriver,
  t: DeviceTransport,
  o: DeviceOptions,
  steps: DeviceStep[],
): Promise<DeviceSurvey> {
  if (driver.survey) return driver.survey(t, o, steps);
  const identity = await driver.identity(t, o, steps);
  const managed = await driver.readManaged(t, o, steps);
  const neighbors = await driver.neighbors(t, o, steps);
  return { identity, managed, neighbors, files: {} };
}

/** Whether the daemon accepts a candidate, and why not. */
export type Verdict = { ok: true } | { ok: false; reason: string };

/** How an apply went: the neighbors read right after it, or why it failed. */
export type Applied = { ok: true; first: FirstRead } | { ok: false; error: unknown };

/** The neighbors read right after an apply, or why they could not be read. */
export type FirstRead = { ok: true; neighbors: NeighborState[] } | { ok: false; error: unknown };

/** `driver.applyAndRead`, or its apply then its read of the neighbors, one after the other. */
export async function applyAndRead(
  driver: DeviceDriver,
  t: DeviceTransport,
  o: DeviceOptions,
  confirmSeconds: number,
  applySteps: DeviceStep[],
  readSteps: DeviceStep[],
): Promise<FirstRead> {
  if (driver.applyAndRead) return driver.applyAndRead(t, o, confirmSeconds, applySteps, readSteps);
  await driver.apply(t, o, confirmSeconds, applySteps);
  try {
    return { ok: true, neighbors: await driver.neighbors(t, o, readSteps) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The device refused a step or answered something the driver cannot read. */
export class DeviceError extends Error {
  constructor(
    message: string,
    readonly steps: readonly DeviceStep[] = [],
  ) {
    super(message);
    this.name = 'DeviceError';
  }
}
