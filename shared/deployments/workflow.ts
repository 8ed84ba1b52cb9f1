import { createHash } from 'node:crypto';
import {
  applyAndRead,
  DeviceError,
  type DeviceDriver,
  type DeviceOptions,
  type DeviceStep,
  type DeviceSurvey,
  type DeviceTransport,
  type FirstRead,
  type NeighborState,
  surveyDevice,
} from '../devices';
import type { Platform } from '../config-render';
import { NotFoundError, ValidationError } from '../platform/errors';
import { refreshPeersOfSessions } from '../peers';
import { canonicalIp } from '../kernel';
import { getRouter } from '../routers';
import {
  deleteSession,
  type DeliveredSession,
  PASSWORD_PLACEHOLDER,
  recordDeploymentOutcome,
  routerDelivery,
  sessionsRepository,
  type StoredSession,
  unifiedDiff,
} from '../sessions';
import { connectionWithSecret, type StoredConnection } from './connections';
import { announceDeploymentEnd } from './deployment-events';
import {
  deploymentsRepository,
  FINAL_STATUSES,
  type SessionRecord,
  StaleDeploymentError,
  type StepRecord,
  type StoredDeployment,
} from './deployments-store';

/**
 * The deployment workflow: one router's peerflow-managed config delivered safely. It advances in
 * steps, each of which reads the deployment, does one phase on the device and saves the result
 * before the next; between steps it only waits. Within a phase the step records are kept and saved
 * together when the phase ends (or fails), and always before the device is changed: the record
 * says `applying` before the apply starts. In AWS a Step Functions state machine calls
 * `advanceDeployment` and does the waiting (a Lambda never sleeps through a verification); locally
 * the same function runs in a loop in-process.
 *
 * Phases: `pending` -> one look at the device (its identity, the running file, the state of every
 * neighbor), check the identity, render, store the diff (a dry run ends here), validate on the
 * device, apply with a rollback timer or a saved copy -> `verifying` -> poll the neighbors until every session the change
 * touches is up and stays up for a few seconds, or until `verify_seconds` -> confirm (`succeeded`)
 * or roll back (`rolled_back`). Anything the device refuses or an error ends it `failed` with the
 * reason; after `apply` a failure rolls back first.
 */

/** How the workflow reaches devices: the drivers and the transport (SSH), wired by the app layer. */
export interface DeliveryPorts {
  driver(platform: Platform): DeviceDriver | null;
  open(connection: StoredConnection, secret: string): Promise<DeviceTransport>;
}

let ports: DeliveryPorts | undefined;

export function provideDeliveryPorts(p: DeliveryPorts): void {
  ports = p;
}

function deliveryPorts(): DeliveryPorts {
  if (!ports) throw new Error('no device drivers are wired into this process');
  return ports;
}

/** Seconds between two polls of the neighbors while verifying. */
const POLL_SECONDS = 2;
/** How long every touched session must stay up before the change is confirmed early. */
const SETTLE_SECONDS = 6;
/** Output kept per command in the record. */
const OUTPUT_LIMIT = 4000;
/**
 * The diff kept in the record: the record is one item of at most 400 KB, and a router's config (an
 * IRR list of many thousand prefixes) can be larger; `config_sha256` names the whole config.
 */
const DIFF_LIMIT = 100_000;

export interface Advance {
  done: boolean;
  /** Seconds to wait before the next step. */
  wait_seconds: number;
  status: StoredDeployment['status'];
}

/**
 * Does the next phase of a deployment; safe to call again (a stale writer loses and stops). A
 * phase that ends the deployment records how (`ending`); the sessions, the peer rows and the lease
 * are settled before the final status is written, so whoever reads a final status reads sessions
 * that already say what it did.
 */
export async function advanceDeployment(id: string): Promise<Advance> {
  const d = await deploymentsRepository.get(id);
  if (!d) return { done: true, wait_seconds: 0, status: 'failed' };
  if (FINAL_STATUSES.includes(d.status)) return { done: true, wait_seconds: 0, status: d.status };
  if (d.ending !== null) return finished(await finish(d));
  const run = new Run(d);
  try {
    if (d.status === 'pending') await run.start();
    else if (d.status === 'verifying') await run.verify();
    else await run.interrupted();
  } catch (err) {
    if (err instanceof StaleDeploymentError) {
      return { done: true, wait_seconds: 0, status: d.status };
    }
    await run.fail(err);
  } finally {
    await run.close();
  }
  const now = run.d;
  if (now.ending !== null) return finished(await finish(now, run.sessionsAtEnd));
  return { done: false, wait_seconds: nextPollSeconds(now), status: now.status };
}

/**
 * Seconds to the next poll: the poll interval, or less when the verification can end sooner (the
 * settled sessions' window or the deadline runs out first). Whole seconds, as the state machine
 * waits them.
 */
function nextPollSeconds(d: StoredDeployment): number {
  const now = Date.now();
  let seconds = POLL_SECONDS;
  if (d.verify_until !== null) seconds = Math.min(seconds, (Date.parse(d.verify_until) - now) / 1000);
  if (d.settled_since !== null) {
    const window = Math.min(SETTLE_SECONDS, d.verify_seconds);
    seconds = Math.min(seconds, window - (now - Date.parse(d.settled_since)) / 1000);
  }
  return Math.max(1, Math.ceil(seconds));
}

/** Both results; when either fails, the first one's failure in argument order (after both ended). */
async function together<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [x, y] = await Promise.allSettled([a, b]);
  if (x.status === 'rejected') throw x.reason;
  if (y.status === 'rejected') throw y.reason;
  return [x.value, y.value];
}

const finished = (status: StoredDeployment['status']): Advance => ({ done: true, wait_seconds: 0, status });

/** Runs a deployment to its end in this process (the local runtime and tests). */
export async function runDeploymentHere(id: string): Promise<StoredDeployment['status']> {
  for (;;) {
    const step = await advanceDeployment(id);
    if (step.done) return step.status;
    await new Promise((resolve) => setTimeout(resolve, step.wait_seconds * 1000));
  }
}

class Run {
  private transport: DeviceTransport | undefined;
  private driver: DeviceDriver | undefined;
  private options: DeviceOptions | undefined;
  private secrets: string[] = [];
  /** The router's sessions and config, read once per step by `connect`. */
  private delivery: Awaited<ReturnType<typeof routerDelivery>> | undefined;
  private applied = false;
  /** The saves in flight, one after the other: each writes the version the previous one left. */
  private saving: Promise<unknown> = Promise.resolve();

  /**
   * The router's sessions as stored once the device work is done, read while the ending is saved:
   * what the end (`finish`) compares the outcomes with.
   */
  sessionsAtEnd: Promise<StoredSession[]> | undefined;

  private readSessionsForEnd(): void {
    this.sessionsAtEnd = sessionsRepository.listAll({ resource_id: this.d.router_id });
    this.sessionsAtEnd.catch(() => undefined);
  }

  /** `d.version` is always the stored version; `d` may hold more, noted and not saved yet. */
  constructor(public d: StoredDeployment) {}

  /** Keeps `changes` to be saved with the next save (the records of a phase's steps). */
  private note(changes: Partial<StoredDeployment>): void {
    this.d = { ...this.d, ...changes };
  }

  /** Saves `changes` and everything noted so far, after the saves already in flight. */
  private save(changes: Partial<StoredDeployment> = {}): Promise<void> {
    // A reason may quote the device, which may quote the candidate and its passwords.
    this.note(
      typeof changes.reason === 'string' ? { ...changes, reason: this.mask(changes.reason) } : changes,
    );
    const write = this.saving.then(async () => {
      const next: StoredDeployment = {
        ...this.d,
        version: this.d.version + 1,
        modified: new Date().toISOString(),
      };
      await deploymentsRepository.save(next, this.d.version);
      // What was noted while the write ran stays in memory for the next save.
      this.d = { ...this.d, version: next.version, modified: next.modified };
    });
    this.saving = write.catch(() => undefined);
    return write;
  }

  /** Opens the transport, after reading the connection: its secret is never kept beyond this run. */
  private async connect(): Promise<{ t: DeviceTransport; driver: DeviceDriver; o: DeviceOptions }> {
    if (this.transport && this.driver && this.options) {
      return { t: this.transport, driver: this.driver, o: this.options };
    }
    const [found, { platform }] = await together(
      connectionWithSecret(this.d.router_id),
      getRouter(this.d.router_id),
    );
    if (!found) throw new WorkflowStop(`router ${this.d.hostname} has no management connection`);
    const { connection } = found;
    const driver = deliveryPorts().driver(platform);
    if (!driver) throw new WorkflowStop(`peerflow cannot deliver to ${platform} routers yet`);
    this.secrets = [found.secret].filter(maskedVerbatim);
    // The router's sessions and their passwords are read while the SSH handshake runs; no device
    // output is recorded before both are known (the passwords mask it).
    const reading = (async () => {
      const delivery = await routerDelivery(this.d.router_id, this.d.remove_session_ids);
      return { delivery, passwords: await delivery.passwords() };
    })();
    const steps: DeviceStep[] = [];
    const opening = this.step('connect', steps, () => deliveryPorts().open(connection, found.secret));
    const [read, transport] = await together(reading, opening).catch(async (err: unknown) => {
      await opening.then((t) => t.close()).catch(() => undefined);
      throw err;
    });
    this.delivery = read.delivery;
    this.secrets.push(...read.passwords.filter(maskedVerbatim));
    this.options = {
      managedPath: connection.options.managed_path,
      mainConfigPath: connection.options.main_config_path,
      basePath: connection.options.base_path,
      controlSocket: connection.options.control_socket,
      sudo: connection.options.sudo,
    };
    this.driver = driver;
    this.transport = transport;
    return { t: this.transport, driver, o: this.options };
  }

  async close(): Promise<void> {
    await this.transport?.close().catch(() => undefined);
  }

  /**
   * Hides every secret peerflow knows (the sessions' passwords, the connection's), and whatever a
   * daemon prints in a password's place: a password set on the router by an earlier config, or by
   * hand, is no less secret.
   */
  private mask(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(PASSWORD_PLACEHOLDER);
    return maskPasswordSyntax(out);
  }

  /** Runs one phase and records it with the commands it ran; a failure is recorded, then thrown. */
  private async step<T>(
    name: string,
    commands: DeviceStep[],
    work: () => Promise<T>,
    detail?: (result: T) => string | null,
  ): Promise<T> {
    const started = new Date().toISOString();
    const record = (status: StepRecord['status'], text: string | null): StepRecord => ({
      name,
      status,
      started,
      finished: new Date().toISOString(),
      detail: text === null ? null : this.mask(text),
      commands: commands.map((c) => ({
        command: this.mask(c.command),
        exit_code: c.exitCode,
        output: cut(this.mask([c.stdout, c.stderr].filter((x) => x.length > 0).join('\n'))),
      })),
    });
    try {
      const result = await work();
      this.note({ steps: [...this.d.steps, record('ok', detail ? detail(result) : null)] });
      return result;
    } catch (err) {
      const steps =
        err instanceof DeviceError
          ? [...commands, ...err.steps.filter((s) => !commands.includes(s))]
          : commands;
      commands.splice(0, commands.length, ...steps);
      await this.save({ steps: [...this.d.steps, record('failed', reasonOf(err))] });
      throw err;
    }
  }

  async start(): Promise<void> {
    // The claim and the last deployment's sessions are read and written while the device is reached.
    const claimed = this.save({ status: 'validating' });
    const last = lastDeployed(this.d.router_id, this.d.id);
    last.catch(() => undefined);
    const [, { t, driver, o }] = await together(claimed, this.connect());
    const delivery = this.delivery as NonNullable<Run['delivery']>;
    const router = delivery.router;

    // One look: identity, the running file and every neighbor's state (the state before).
    const surveySteps: DeviceStep[] = [];
    const survey: DeviceSurvey = await this.step(
      'identity',
      surveySteps,
      () => surveyDevice(driver, t, o, surveySteps),
      (v) =>
        `router id ${v.identity.routerId}, AS${v.identity.asn}, ${v.identity.version}; ` +
        `${v.managed === null ? 'no managed file' : `managed file ${v.managed.length} characters`}; ${summary([...v.neighbors])}`,
    );
    const { identity } = survey;
    this.note({ identity: { router_id: identity.routerId, asn: identity.asn, version: identity.version } });
    // BIRD has no router-wide AS: there the router id alone tells the device.
    if (identity.routerId !== router.router_id || (identity.asn !== null && identity.asn !== router.asn)) {
      throw new WorkflowStop(
        `the device is not ${router.hostname}: it reports router id ${identity.routerId}${identity.asn !== null ? ` and AS${identity.asn}` : ''}, the router record says ${router.router_id} and AS${router.asn}; nothing was written`,
      );
    }

    const shown = this.d.custom_config ?? delivery.shown;
    const candidate = this.d.custom_config ?? (await delivery.withSecrets());
    const running = survey.managed;
    const runningShown = this.mask(running ?? '');
    const diff = unifiedDiff(runningShown, shown, {
      from: `${router.hostname} (running)`,
      to: `${router.hostname} (peerflow)`,
    });
    const states = byIp([...survey.neighbors]);
    const sessions = (await this.plan(delivery.sessions, await last)).map((s) => ({
      ...s,
      state_before: states.get(s.peer_ipaddr)?.state ?? null,
    }));
    this.note({
      diff: cut(diff, DIFF_LIMIT),
      config_sha256: createHash('sha256').update(shown, 'utf8').digest('hex'),
      sessions,
    });
    if (this.d.dry_run) {
      await this.save({
        ending: 'succeeded',
        reason: 'dry run: the diff is what a deployment would change; nothing was written',
      });
      return;
    }

    if (running !== null && running === candidate) {
      await this.save({ status: 'verifying', verify_until: new Date().toISOString() });
      return this.verify();
    }

    const validateSteps: DeviceStep[] = [];
    const applySteps: DeviceStep[] = [];
    const readSteps: DeviceStep[] = [];
    const refused = (reason: string) =>
      new WorkflowStop(`the device refused the config: ${reason}; the running config is unchanged`);
    let first: FirstRead;
    if (driver.validateAndApply) {
      // One round trip validates, applies once the device itself saw the check pass, and reads the
      // neighbors: `applying` and everything so far are stored before it starts.
      await this.save({ status: 'applying' });
      this.applied = true;
      const both = await this.step(
        'validate',
        validateSteps,
        () =>
          driver.validateAndApply!(
            t,
            o,
            candidate,
            this.d.confirm_seconds,
            { validate: validateSteps, apply: applySteps, read: readSteps },
            survey,
          ),
        (v) => (v.verdict.ok ? 'the daemon accepts the candidate' : v.verdict.reason),
      );
      const { verdict, applied } = both;
      if (!verdict.ok || applied === null) {
        // The device stopped before the apply: nothing to roll back.
        this.applied = false;
        throw refused(verdict.ok ? 'no verdict' : verdict.reason);
      }
      first = await this.step('apply', applySteps, async () => {
        if (!applied.ok) throw applied.error;
        return applied.first;
      });
    } else {
      const verdict = await this.step(
        'validate',
        validateSteps,
        () => driver.validate(t, o, candidate, validateSteps, survey),
        (v) => (v.ok ? 'the daemon accepts the candidate' : v.reason),
      );
      if (!verdict.ok) throw refused(verdict.reason);
      // Everything so far is stored before the device changes.
      await this.save({ status: 'applying' });
      this.applied = true;
      // The verification's first look at the neighbors follows the apply in the same round trip
      // where the daemon allows it; with no time to verify, the only one.
      first = await this.step('apply', applySteps, () =>
        applyAndRead(driver, t, o, this.d.confirm_seconds, applySteps, readSteps),
      );
    }
    // `verifying` is saved before anything is decided: nothing is confirmed before that save is done.
    const until = new Date(Date.now() + this.d.verify_seconds * 1000).toISOString();
    const verifying = this.save({ status: 'verifying', verify_until: until });
    verifying.catch(() => undefined);
    await this.verify(verifying, { first, steps: readSteps });
  }

  /** What the change does to each session, from the last deployment that succeeded on this router. */
  private async plan(
    current: DeliveredSession[],
    last: StoredDeployment | undefined,
  ): Promise<SessionRecord[]> {
    const known = new Map(
      (last?.sessions ?? []).filter((s) => s.change !== 'removed').map((s) => [s.session_id, s]),
    );
    const triggered = new Set(this.d.session_ids);
    const out: SessionRecord[] = current.map((s) => {
      const prev = known.get(s.id);
      const change: SessionRecord['change'] =
        this.d.custom_config !== null
          ? triggered.has(s.id)
            ? 'changed'
            : 'unchanged'
          : prev === undefined
            ? 'added'
            : prev.fingerprint !== s.fingerprint
              ? 'changed'
              : 'unchanged';
      return {
        session_id: s.id,
        number: s.number,
        peer_ipaddr: canonicalIp(s.peer_ipaddr) ?? s.peer_ipaddr,
        change,
        fingerprint: s.fingerprint,
        state_before: null,
        state_after: null,
        outcome: null,
      };
    });
    const staying = new Set(current.map((s) => s.id));
    for (const prev of last?.sessions ?? []) {
      if (prev.change === 'removed' || prev.session_id === null || staying.has(prev.session_id)) continue;
      out.push({ ...prev, change: 'removed', state_before: null, state_after: null, outcome: null });
    }
    return out;
  }

  /**
   * One poll of the neighbors, or the `first` read that followed the apply; `saving`, a save still
   * in flight, is done before anything is decided.
   */
  async verify(saving?: Promise<void>, first?: { first: FirstRead; steps: DeviceStep[] }): Promise<void> {
    const { t, driver, o } = await this.connect();
    this.applied = true;
    const pollSteps: DeviceStep[] = first?.steps ?? [];
    let now: NeighborState[];
    try {
      if (first === undefined) now = await driver.neighbors(t, o, pollSteps);
      else if (first.first.ok) now = first.first.neighbors;
      else throw first.first.error;
    } catch (err) {
      await this.step('verify', pollSteps, async () => {
        throw err;
      });
      throw err;
    }
    await saving;
    const states = byIp(now);
    const sessions = this.d.sessions.map((s) => ({
      ...s,
      state_after: states.get(s.peer_ipaddr)?.state ?? null,
    }));
    const verdict = judge(sessions);
    const deadline = Date.parse(this.d.verify_until ?? this.d.modified);
    const settledSince = verdict.settled ? (this.d.settled_since ?? new Date().toISOString()) : null;
    const settledFor = settledSince ? (Date.now() - Date.parse(settledSince)) / 1000 : 0;
    const waitMore =
      Date.now() < deadline &&
      !(verdict.settled && settledFor >= Math.min(SETTLE_SECONDS, this.d.verify_seconds));
    if (waitMore) {
      await this.save({ sessions, settled_since: settledSince });
      return;
    }
    const failure =
      verdict.regressions.length > 0
        ? `${verdict.regressions.join(', ')} ${verdict.regressions.length === 1 ? 'was' : 'were'} established before the change and ${verdict.regressions.length === 1 ? 'is' : 'are'} not now`
        : verdict.lingering.length > 0
          ? `${verdict.lingering.join(', ')} should be gone from the router and ${verdict.lingering.length === 1 ? 'is' : 'are'} still there`
          : this.d.require_established && verdict.down.length > 0
            ? `${verdict.down.join(', ')} did not reach Established within ${this.d.verify_seconds} s`
            : null;
    const outcomes = sessions.map((s) => ({ ...s, outcome: outcomeOf(s) }));
    await this.step(
      'verify',
      pollSteps,
      async () => undefined,
      () => failure ?? summary(now),
    );
    if (failure === null) {
      const confirmSteps: DeviceStep[] = [];
      await this.step('confirm', confirmSteps, () => driver.confirm(t, o, confirmSteps));
      this.readSessionsForEnd();
      await this.save({ sessions: outcomes, ending: 'succeeded', reason: null });
      return;
    }
    await this.rollBack(failure, outcomes);
  }

  private async rollBack(reason: string, sessions = this.d.sessions): Promise<void> {
    const { t, driver, o } = await this.connect();
    const steps: DeviceStep[] = [];
    await this.step('rollback', steps, () => driver.rollback(t, o, steps));
    this.readSessionsForEnd();
    await this.save({ sessions, ending: 'rolled_back', reason: `rolled back: ${reason}` });
  }

  /** A step found the deployment mid-phase: its runner died. Put back what may have been applied. */
  async interrupted(): Promise<void> {
    const phase = this.d.status;
    if (phase === 'applying') {
      await this.rollBack(`the deployment was interrupted while applying`);
      return;
    }
    await this.save({
      ending: 'failed',
      reason: `the deployment was interrupted while ${phase}; nothing was applied`,
    });
  }

  async fail(err: unknown): Promise<void> {
    const reason = reasonOf(err);
    try {
      await this.saving;
      // The stored record, unless it is still the one this run holds (with its steps not saved yet).
      const stored = await deploymentsRepository.get(this.d.id);
      if (stored && stored.version !== this.d.version) this.d = stored;
      if (FINAL_STATUSES.includes(this.d.status) || this.d.ending !== null) return;
      if (this.applied) {
        await this.rollBack(reason);
        return;
      }
      await this.save({ ending: 'failed', reason });
    } catch (inner) {
      if (inner instanceof StaleDeploymentError) return;
      const d = (await deploymentsRepository.get(this.d.id)) ?? this.d;
      if (FINAL_STATUSES.includes(d.status) || d.ending !== null) return;
      this.d = d;
      await this.save({ ending: 'failed', reason: `${reason}; rolling back failed too: ${reasonOf(inner)}` });
    }
  }
}

/** The words that introduce a secret in a daemon's or a vendor's config. */
const SECRET_WORD = String.raw`(?:password|secret|key-string|authentication-key|encrypted-password|simple-password|ascii-text)`;
/** What a vendor puts between the word and the secret: its form (IOS and EOS 0/5/7/9, IOS XR encrypted/clear, EOS sha512). */
const SECRET_FORM = String.raw`(?:[0-9]{1,2}|encrypted|clear|sha512)`;

/**
 * Where each daemon's configs and answers hold a password: the text before it (kept), then the
 * password (replaced). BIRD `password "x"`, FRR `neighbor a password x`, OpenBGPD
 * `tcp md5sig password x`, GoBGP `auth-password = "x"` and its JSON `"auth_password":"x"`. The
 * vendors show a secret in a stored form their own tools turn back into it (IOS and EOS type 7,
 * Junos `$9$`), so those are hidden too: `password 7 x`, `password encrypted x`, `secret 9 x`,
 * `key-string 7 x`, `authentication-key "x"`, `<authentication-key>x</...>`, SNMP communities.
 */
const PASSWORD_SYNTAXES: [RegExp, string][] = [
  [/(auth[-_]password"?\s*[:=]\s*")[^"\n]*(?=")/g, '$1'],
  [new RegExp(String.raw`(\b${SECRET_WORD}\s+")[^"\n]*(?=")`, 'g'), '$1'],
  [new RegExp(String.raw`(\b${SECRET_WORD}\s+&quot;)[^&\n]*(?=&quot;)`, 'g'), '$1'],
  [new RegExp(String.raw`(<${SECRET_WORD}(?:\s[^>]*)?>)[^<]*(?=</)`, 'g'), '$1'],
  [new RegExp(String.raw`(\b${SECRET_WORD}[ \t]+${SECRET_FORM}[ \t]+)[^\s"]+`, 'g'), '$1'],
  [new RegExp(String.raw`(\b${SECRET_WORD}[ \t]+)(?![":=<&])(?!${SECRET_FORM}[ \t]+\S)[^\s"]+`, 'g'), '$1'],
  [/(\bsnmp-server[ \t]+community[ \t]+)[^\s"]+/g, '$1'],
];

/** `text` with every password written in a daemon's syntax replaced by the placeholder. */
export function maskPasswordSyntax(text: string): string {
  let out = text;
  for (const [pattern, keep] of PASSWORD_SYNTAXES)
    out = out.replace(pattern, `${keep}${PASSWORD_PLACEHOLDER}`);
  return out;
}

/**
 * Secrets shorter than this are not hidden wherever their text appears, only where a config's
 * syntax says a password is: hiding every "64500" in a record would tell its readers that the
 * password is 64500 (the router's AS, printed by the device). Polls draw the same line.
 */
const MIN_VERBATIM_MASK = 8;
export const maskedVerbatim = (secret: string) => secret.length >= MIN_VERBATIM_MASK;

/** A reason to stop that is the device's or the record's, not a fault of peerflow. */
class WorkflowStop extends Error {}

function reasonOf(err: unknown): string {
  if (err instanceof WorkflowStop || err instanceof DeviceError) return err.message;
  if (err instanceof ValidationError || err instanceof NotFoundError) return err.message;
  return 'an internal error stopped the deployment';
}

const cut = (text: string, limit = OUTPUT_LIMIT) =>
  text.length <= limit ? text : `${text.slice(0, limit)}\n[${text.length - limit} more characters not kept]`;

function byIp(neighbors: NeighborState[]): Map<string, NeighborState> {
  return new Map(neighbors.map((n) => [canonicalIp(n.peerIp) ?? n.peerIp, n]));
}

function summary(neighbors: NeighborState[]): string {
  const up = neighbors.filter((n) => n.state === 'established').length;
  return `${neighbors.length} neighbors, ${up} established`;
}

function judge(sessions: SessionRecord[]) {
  const regressions: string[] = [];
  const lingering: string[] = [];
  const down: string[] = [];
  for (const s of sessions) {
    const up = s.state_after === 'established';
    if (s.change === 'removed') {
      if (s.state_after !== null) lingering.push(s.peer_ipaddr);
    } else if (s.state_before === 'established' && !up) regressions.push(s.peer_ipaddr);
    else if (s.change !== 'unchanged' && !up) down.push(s.peer_ipaddr);
  }
  return { regressions, lingering, down, settled: regressions.length + lingering.length + down.length === 0 };
}

function outcomeOf(s: SessionRecord): SessionRecord['outcome'] {
  if (s.change === 'removed') return 'removed';
  if (s.change === 'unchanged') return 'unchanged';
  return s.state_after === 'established' ? 'established' : 'not_established';
}

/** The newest deployment before `except` that put a config on the router. */
async function lastDeployed(routerId: string, except: string): Promise<StoredDeployment | undefined> {
  let cursor: string | undefined;
  for (let pages = 0; pages < 6; pages += 1) {
    // The newest first, in a small page: the last deployment is usually the one before this one.
    const page = await deploymentsRepository.listByRouter(routerId, pages === 0 ? 3 : 25, cursor);
    const hit = page.data.find((d) => d.id !== except && d.status === 'succeeded' && !d.dry_run);
    if (hit) return hit;
    if (!page.next_cursor) return undefined;
    cursor = page.next_cursor;
  }
  return undefined;
}

/** After the end: the sessions' states and peer logs, removed sessions deleted, the lease freed. */
async function finish(
  d: StoredDeployment,
  sessionsAtEnd?: Promise<StoredSession[]>,
): Promise<StoredDeployment['status']> {
  const ending = d.ending ?? d.status;
  const actor = { email: d.requested_by };
  // Read before anything is deleted, in one Query: the router's sessions as stored once the device
  // work was done (read by the run while it saved the ending), or as stored now.
  const stored = new Map(
    (await (sessionsAtEnd ?? sessionsRepository.listAll({ resource_id: d.router_id }))).map(
      (s) => [s.id, s] as const,
    ),
  );
  const touched: StoredSession[] = [];
  const label = `Deployment ${d.id.slice(0, 8)} to ${d.hostname}`;
  if (ending === 'succeeded' && !d.dry_run) {
    for (const s of d.sessions) {
      if (s.session_id === null) continue;
      if (s.change === 'removed') {
        const now = stored.get(s.session_id);
        if (now && d.remove_session_ids.includes(s.session_id)) {
          touched.push(now);
          await deleteSession(s.session_id, actor).catch(() => undefined);
        }
        continue;
      }
      const state = s.state_after === 'established' ? 'established' : 'configured';
      const said =
        s.change === 'unchanged'
          ? null
          : `${label} ${s.change === 'added' ? 'added' : 'changed'} the session: ${s.outcome === 'established' ? 'established' : 'configured, not established yet'}`;
      const now = stored.get(s.session_id);
      // A session the change left alone, in the state it has, has nothing to record.
      if (said === null && (now === undefined || now.state === state)) continue;
      if (now) touched.push(now);
      await recordDeploymentOutcome(
        s.session_id,
        s.fingerprint ?? '',
        state,
        said ?? `${label}: session ${state}`,
        actor,
      );
    }
  } else if (ending !== 'succeeded') {
    const touched = new Set([
      ...d.session_ids,
      ...d.sessions.filter((s) => s.change !== 'unchanged').map((s) => s.session_id),
    ]);
    for (const id of touched) {
      if (id === null) continue;
      await recordDeploymentOutcome(
        id,
        '',
        null,
        `${label} ${ending === 'rolled_back' ? 'was rolled back' : 'failed'}: ${d.reason ?? 'no reason given'}`,
        actor,
      );
    }
  }
  // The peers whose sessions changed state or went: their stored rows (is_peer) follow; the lease
  // is freed meanwhile.
  await together(
    touched.length > 0 ? refreshPeersOfSessions(touched) : Promise.resolve(),
    deploymentsRepository.release(d.router_id, d.id),
  );
  // Last: the final status, once everything it stands for is written. The record in hand is the
  // stored one when this run wrote it last; else the write loses and the stored one is read.
  const finalOf = (latest: StoredDeployment): StoredDeployment => ({
    ...latest,
    status: ending,
    finished: latest.finished ?? new Date().toISOString(),
    version: latest.version + 1,
  });
  let final = finalOf(d);
  try {
    try {
      await deploymentsRepository.save(final, d.version);
    } catch (err) {
      if (!(err instanceof StaleDeploymentError)) throw err;
      const latest = (await deploymentsRepository.get(d.id)) ?? d;
      if (FINAL_STATUSES.includes(latest.status)) return latest.status;
      final = finalOf(latest);
      await deploymentsRepository.save(final, latest.version);
    }
    await announceDeploymentEnd(final);
  } catch (err) {
    if (!(err instanceof StaleDeploymentError)) throw err;
  }
  return ending;
}
