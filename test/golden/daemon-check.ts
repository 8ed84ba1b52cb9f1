import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyNames, type PreparedGroup } from '../../shared/config-render/prepare';

/**
 * The real BGP daemons' own config parsers (Debian packages bird2, frr, openbgpd, gobgpd). Each
 * parses a file and exits; no session is started. Missing daemons skip loudly, or fail under CI.
 */
export const DAEMON_PLATFORMS = ['bird2', 'frr', 'openbgpd', 'gobgp'] as const;
export type DaemonPlatform = (typeof DAEMON_PLATFORMS)[number];

const COMMANDS: Record<DaemonPlatform, { bin: string; args: (file: string) => string[] }> = {
  bird2: { bin: 'bird', args: (f) => ['-p', '-c', f] },
  // `bgpd -C` of FRR exits 0 on errors; vtysh -C does not.
  frr: { bin: 'vtysh', args: (f) => ['-C', '-f', f] },
  openbgpd: { bin: 'bgpd', args: (f) => ['-n', '-f', f] },
  gobgp: { bin: 'gobgpd', args: (f) => ['-d', '-f', f, '-t', 'toml'] },
};

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export function missingDaemons(): string[] {
  return DAEMON_PLATFORMS.filter((p) => !onPath(COMMANDS[p].bin)).map((p) => COMMANDS[p].bin);
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
 * everything). BIRD refuses a filter it does not know; GoBGP ignores its whole policy assignment when
 * a listed policy is undefined. FRR and OpenBGPD need none to parse the config.
 */
export function operatorPolicies(
  platform: DaemonPlatform,
  policies: readonly PolicyNames[],
): { before: string; after: string } {
  const names = policies.flatMap((p) => [p.importPolicy, p.exportPolicy]);
  if (platform === 'bird2') {
    return { before: names.map((n) => `filter ${n} { reject; }\n`).join(''), after: '' };
  }
  if (platform === 'gobgp') {
    const defs = names.map((n) =>
      [
        '',
        '[[policy-definitions]]',
        `  name = "${n}"`,
        '  [[policy-definitions.statements]]',
        `    name = "${n}_reject"`,
        '    [policy-definitions.statements.actions]',
        '      route-disposition = "reject-route"',
      ].join('\n'),
    );
    return { before: '', after: `${defs.join('\n')}\n` };
  }
  return { before: '', after: '' };
}

/** How each syntax declares a peer group. */
const GROUP_LINES: Record<DaemonPlatform, RegExp> = {
  bird2: /^template bgp (\S+) \{$/gm,
  frr: /^ neighbor (\S+) peer-group$/gm,
  openbgpd: /^group "([^"]*)" \{$/gm,
  gobgp: /^ {4}peer-group-name = "([^"]*)"$/gm,
};

/** The policies a rendered config references, read from the groups it declares. */
export function referencedPolicies(platform: DaemonPlatform, text: string): PolicyNames[] {
  return [...text.matchAll(GROUP_LINES[platform])].map((m) => policyNames(m[1]!));
}

/**
 * Parses `text` with the platform's daemon, with the operator's definitions of `policies` around it:
 * ok when it exits 0; the output says why not.
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
  const { bin, args } = COMMANDS[platform];
  return new Promise((resolve) => {
    execFile(bin, args(file), { timeout: 20_000 }, (err, stdout, stderr) => {
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** The neighbor addresses a config declares, read the way each syntax declares one. */
const NEIGHBOR_LINES: Record<DaemonPlatform, RegExp> = {
  bird2: /^ {2}neighbor (\S+) as \d+;$/gm,
  frr: /^ neighbor (\S+) remote-as \d+$/gm,
  openbgpd: /^\tneighbor (\S+) \{$/gm,
  gobgp: /^ {4}neighbor-address = "([^"]*)"$/gm,
};

/** Lines that open a neighbor, whatever follows: any that is not one of the above is a smuggled one. */
const ANY_NEIGHBOR: Record<DaemonPlatform, RegExp> = {
  bird2: /^\s*(neighbor|protocol)\b/gm,
  frr: /^\s*neighbor \S+ remote-as\b/gm,
  openbgpd: /^\s*neighbor\b/gm,
  gobgp: /^\s*(neighbor-address|\[\[neighbors\]\])/gm,
};

export function declaredNeighbors(platform: DaemonPlatform, text: string): string[] {
  return [...text.matchAll(NEIGHBOR_LINES[platform])].map((m) => m[1]!).sort();
}

/** Lines per neighbor that `ANY_NEIGHBOR` counts in each syntax. */
export const STATEMENTS_PER_NEIGHBOR: Record<DaemonPlatform, number> = {
  bird2: 2,
  frr: 1,
  openbgpd: 1,
  gobgp: 2,
};

export function neighborStatementCount(platform: DaemonPlatform, text: string): number {
  return [...text.matchAll(ANY_NEIGHBOR[platform])].length;
}
