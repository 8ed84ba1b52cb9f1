import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive, processStartTime, run, sleep } from './system';

/**
 * What a lab leaves on the machine, recorded before it is created so that a run killed half-way
 * can be cleaned up by the next one: the creating process (pid and start time, so a reused pid
 * does not keep a dead lab alive), the namespaces, the root namespace's end of the management
 * link, the management slot and the scratch folder.
 */
export interface LabRecord {
  readonly name: string;
  readonly pid: number;
  readonly startTime: number;
  readonly namespaces: readonly string[];
  readonly rootLink: string;
  readonly slot: number | null;
  readonly scratch: string;
}

/** Every lab name, namespace and link starts with this: the sweep touches nothing else. */
export const LAB_PREFIX = 'pflab-';
/** The root namespace's end of a management link: `pfm-<lab id>` (interface names stop at 15 characters). */
export const ROOT_LINK_PREFIX = 'pfm-';
/** 198.51.100.0/24 cut in /29 slots, one per lab alive at once. */
export const SLOT_COUNT = 32;

const STATE_DIR = join(tmpdir(), 'pflab-state');
const LABS_DIR = join(STATE_DIR, 'labs');
const SLOTS_DIR = join(STATE_DIR, 'slots');

function ensureStateDirs(): void {
  mkdirSync(LABS_DIR, { recursive: true, mode: 0o700 });
  mkdirSync(SLOTS_DIR, { recursive: true, mode: 0o700 });
}

export function recordFor(name: string, fields: Omit<LabRecord, 'name' | 'pid' | 'startTime'>): LabRecord {
  const startTime = processStartTime(process.pid);
  if (startTime === null) throw new Error('cannot read this process start time from /proc');
  return { name, pid: process.pid, startTime, ...fields };
}

export function writeRecord(record: LabRecord): void {
  ensureStateDirs();
  writeFileSync(join(LABS_DIR, `${record.name}.json`), JSON.stringify(record));
}

function readRecords(): LabRecord[] {
  if (!existsSync(LABS_DIR)) return [];
  const records: LabRecord[] = [];
  for (const file of readdirSync(LABS_DIR)) {
    if (!file.endsWith('.json')) continue;
    try {
      records.push(JSON.parse(readFileSync(join(LABS_DIR, file), 'utf8')) as LabRecord);
    } catch {
      // A record being written by another process: the next sweep reads it.
    }
  }
  return records;
}

/**
 * Takes a free management slot atomically: `mkdir` of the slot's folder succeeds for one caller
 * only, so labs of parallel test workers never share addresses.
 */
export function allocateSlot(owner: string): number {
  ensureStateDirs();
  const start = Math.floor(Math.random() * SLOT_COUNT);
  for (let i = 0; i < SLOT_COUNT; i += 1) {
    const slot = (start + i) % SLOT_COUNT;
    const dir = join(SLOTS_DIR, String(slot));
    try {
      mkdirSync(dir);
    } catch {
      continue;
    }
    writeFileSync(join(dir, 'owner'), owner);
    return slot;
  }
  throw new Error(`all ${SLOT_COUNT} lab management slots are taken`);
}

export function freeSlot(slot: number, owner: string): void {
  const dir = join(SLOTS_DIR, String(slot));
  try {
    if (readFileSync(join(dir, 'owner'), 'utf8') !== owner) return;
  } catch {
    return;
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Sends `signal` to each pid, ignoring the ones already gone. */
function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * The pids whose network namespace is `ns`, read from /proc in this process (as `ip netns pids`
 * does, without a command that could fail under load and leave the namespace looking empty).
 */
export async function namespacePids(ns: string): Promise<number[]> {
  return namespacePidsNow(ns);
}

function namespacePidsNow(ns: string): number[] {
  let target: { dev: number; ino: number };
  try {
    target = statSync(`/run/netns/${ns}`);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const net = statSync(`/proc/${entry}/ns/net`);
      if (net.ino === target.ino && net.dev === target.dev) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

export async function listNamespaces(): Promise<string[]> {
  const r = await run(['ip', '-j', 'netns', 'list'], { timeoutMs: 10_000 });
  if (r.exitCode !== 0 || r.stdout.trim() === '') return [];
  return (JSON.parse(r.stdout) as { name: string }[]).map((n) => n.name);
}

/**
 * Stops every process in `ns` (SIGTERM, then SIGKILL for what is left after a grace period) and
 * `extra` pids the lab started, then deletes the namespace.
 */
export async function removeNamespace(ns: string, extra: readonly number[] = []): Promise<void> {
  // `extra`: a process the lab started that may not have entered the namespace yet.
  const first = [
    ...new Set([...namespacePidsNow(ns), ...extra.filter((pid) => processStartTime(pid) !== null)]),
  ];
  signalAll(first, 'SIGTERM');
  const deadline = Date.now() + 3000;
  let left = first;
  while (Date.now() < deadline) {
    left = namespacePidsNow(ns);
    if (left.length === 0) break;
    await sleep(100);
  }
  if (left.length > 0) {
    signalAll(left, 'SIGKILL');
    await sleep(100);
  }
  const del = await run(['ip', 'netns', 'del', ns], { timeoutMs: 10_000 });
  if (del.exitCode !== 0 && (await listNamespaces()).includes(ns)) {
    throw new Error(`ip netns del ${ns} exited ${del.exitCode}: ${del.stderr.trim()}`);
  }
}

/** Removes everything `record` names, in the order that leaves nothing running. Safe to repeat. */
export async function teardown(record: LabRecord, pids: readonly number[] = []): Promise<void> {
  for (const ns of record.namespaces) await removeNamespace(ns, pids);
  // Deleting the router namespace deletes the pair; this covers a lab killed between the two steps.
  await run(['ip', 'link', 'del', record.rootLink], { timeoutMs: 10_000 });
  rmSync(record.scratch, { recursive: true, force: true });
  if (record.slot !== null) freeSlot(record.slot, record.name);
  rmSync(join(LABS_DIR, `${record.name}.json`), { force: true });
}

/**
 * Removes the labs whose creating process is gone (a killed test run), then namespaces, links and
 * slots carrying our prefix that no live lab records. Labs of live processes are left alone.
 */
export async function sweepStaleLabs(): Promise<string[]> {
  const swept: string[] = [];
  for (const r of readRecords()) {
    if (processAlive(r.pid, r.startTime)) continue;
    await teardown(r);
    swept.push(r.name);
  }
  // What exists is listed before the live records are read: a lab writes its record before it
  // creates anything, so whatever a live lab created is in the records read afterwards.
  const namespaces = await listNamespaces();
  const linkList = await run(['ip', '-j', 'link', 'show', 'type', 'veth'], { timeoutMs: 10_000 });
  const links =
    linkList.exitCode === 0 && linkList.stdout.trim() !== ''
      ? (JSON.parse(linkList.stdout) as { ifname: string }[]).map((l) => l.ifname)
      : [];
  const slots = existsSync(SLOTS_DIR) ? readdirSync(SLOTS_DIR) : [];
  const live = readRecords().filter((r) => processAlive(r.pid, r.startTime));
  const liveNamespaces = new Set(live.flatMap((r) => r.namespaces));
  for (const ns of namespaces) {
    if (ns.startsWith(LAB_PREFIX) && !liveNamespaces.has(ns)) {
      await removeNamespace(ns);
      swept.push(ns);
    }
  }
  const liveLinks = new Set(live.map((r) => r.rootLink));
  for (const link of links) {
    if (link.startsWith(ROOT_LINK_PREFIX) && !liveLinks.has(link)) {
      await run(['ip', 'link', 'del', link], { timeoutMs: 10_000 });
      swept.push(link);
    }
  }
  const liveNames = new Set(live.map((r) => r.name));
  for (const slot of slots) {
    const dir = join(SLOTS_DIR, slot);
    let owner: string | null = null;
    let age = 0;
    try {
      age = Date.now() - statSync(dir).mtimeMs;
      owner = readFileSync(join(dir, 'owner'), 'utf8');
    } catch {
      // Taken a moment ago and not yet labelled, or left unlabelled by a killed run.
    }
    // A slot is taken before its lab's record is written: a young one is left alone.
    if ((owner !== null && liveNames.has(owner)) || age < 60_000) continue;
    rmSync(dir, { recursive: true, force: true });
    swept.push(`slot ${slot}`);
  }
  return swept;
}

/**
 * The last resort when this process exits with labs still up (a test without `destroy`): kills
 * their processes at once and removes what they made, synchronously, as an exit handler must.
 */
export function teardownNow(record: LabRecord): void {
  for (const ns of record.namespaces) {
    signalAll(namespacePidsNow(ns), 'SIGKILL');
    spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
  }
  spawnSync('ip', ['link', 'del', record.rootLink], { stdio: 'ignore', timeout: 10_000 });
  rmSync(record.scratch, { recursive: true, force: true });
  if (record.slot !== null) freeSlot(record.slot, record.name);
  rmSync(join(LABS_DIR, `${record.name}.json`), { force: true });
}
