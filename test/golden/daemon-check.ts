import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigCheck } from '../../shared/config-render/platform';
import { PLATFORM_REGISTRY } from '../../shared/config-render/platforms';
import { policyNames, type PreparedGroup } from '../../shared/config-render/prepare';

/**
 * The real BGP daemons' own config parsers (Debian packages bird2, frr, openbgpd, gobgpd), as each
 * platform's descriptor names them (`check`). Each parses a file and exits; no session is started.
 * Missing daemons skip loudly, or fail under CI.
 */
type Daemon = Extract<(typeof PLATFORM_REGISTRY)[number], { check: ConfigCheck }>;
export type DaemonPlatform = Daemon['id'];

const DAEMONS = PLATFORM_REGISTRY.filter((d): d is Daemon => d.check !== null);
export const DAEMON_PLATFORMS: readonly DaemonPlatform[] = DAEMONS.map((d) => d.id);

function checkOf(platform: DaemonPlatform): ConfigCheck {
  const daemon = DAEMONS.find((d) => d.id === platform);
  if (!daemon) throw new Error(`${platform} has no daemon check`);
  return daemon.check;
}

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function missingDaemons(): string[] {
  return DAEMONS.map((d) => d.check.command).filter((bin) => !onPath(bin));
}

/** True when every daemon is installed; otherwise SKIPPED on the console, or an error under CI. */
export function daemonsAvailable(): boolean {
  const missing = missingDaemons();
  if (missing.length === 0) return true;
  const message = `BGP daemon parsers not installed: ${missing.join(', ')} (apt-get install bird2 frr openbgpd gobgpd)`;
  if (process.env.CI === 'true') throw new Error(`${message}: they are mandatory under CI`);
  console.warn(`\n*** SKIPPED: ${message} ***\n`);
  return false;
}

const workDir = mkdtempSync(join(tmpdir(), 'peerflow-render-'));
let counter = 0;

/** The policy names a rendered config references: the operator defines them on the router. */
export type PolicyNames = Pick<PreparedGroup, 'importPolicy' | 'exportPolicy'>;

/**
 * THE OPERATOR'S PART, not peerflow's: minimal definitions of the policies a rendered config
 * references, as the operator's own configuration supplies them on the router (here they reject
 * everything), from the platform's check; none where the daemon parses the config without them.
 */
export function operatorPolicies(
  platform: DaemonPlatform,
  policies: readonly PolicyNames[],
): { before: string; after: string } {
  const names = policies.flatMap((p) => [p.importPolicy, p.exportPolicy]);
  return checkOf(platform).operatorPolicies?.(names) ?? { before: '', after: '' };
}

/** The policies a rendered config references, read from the groups it declares. */
export function referencedPolicies(platform: DaemonPlatform, text: string): PolicyNames[] {
  return [...text.matchAll(checkOf(platform).declares.group)].map((m) => policyNames(m[1]!));
}

/**
 * Parses `text` with the platform's daemon, with the operator's definitions of `policies` around it:
 * ok when it exits with its check's ok status; the output says why not.
 */
export function parseWithDaemon(
  platform: DaemonPlatform,
  text: string,
  policies: readonly PolicyNames[] = [],
): Promise<{ ok: boolean; output: string }> {
  counter += 1;
  const file = join(workDir, `${platform}-${counter}.conf`);
  const operator = operatorPolicies(platform, policies);
  writeFileSync(file, `${operator.before}${text}${operator.after}`);
  const { command, args, okExitCode } = checkOf(platform);
  return new Promise((resolve) => {
    execFile(command, args(file), { timeout: 20_000 }, (err, stdout, stderr) => {
      // A daemon killed (timeout) or not started has no exit status: never ok.
      const status = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ ok: status === okExitCode, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** The neighbor addresses a config declares, read the way its syntax declares one. */
export function declaredNeighbors(platform: DaemonPlatform, text: string): string[] {
  return [...text.matchAll(checkOf(platform).declares.neighbor)].map((m) => m[1]!).sort();
}

/** Lines per neighbor that `neighborStatementCount` counts in each syntax. */
export const STATEMENTS_PER_NEIGHBOR = Object.fromEntries(
  DAEMONS.map((d) => [d.id, d.check.declares.anyNeighborLines]),
) as Record<DaemonPlatform, number>;

/** Lines that open a neighbor, whatever follows: any that `declaredNeighbors` misses is a smuggled one. */
export function neighborStatementCount(platform: DaemonPlatform, text: string): number {
  return [...text.matchAll(checkOf(platform).declares.anyNeighbor)].length;
}
