import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** Parses `text` with the platform's daemon: ok when it exits 0; the output says why not. */
export function parseWithDaemon(
  platform: DaemonPlatform,
  text: string,
): Promise<{ ok: boolean; output: string }> {
  counter += 1;
  const file = join(workDir, `${platform}-${counter}.conf`);
  writeFileSync(file, text);
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
