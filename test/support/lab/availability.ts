import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { LAB_DAEMONS, type LabDaemonName } from './daemon';

/** What each daemon of the lab needs on the machine: executables and system users. */
const NEEDS: Record<LabDaemonName | 'lab', { bins: string[]; users: string[] }> = {
  lab: { bins: ['ip', 'ssh-keygen', '/usr/sbin/sshd', 'sh', 'cat', 'mount'], users: [] },
  bird2: { bins: ['bird', 'birdc'], users: [] },
  frr: {
    bins: [
      'vtysh',
      '/usr/lib/frr/zebra',
      '/usr/lib/frr/bgpd',
      '/usr/lib/frr/frr-reload.py',
      '/usr/bin/python3',
    ],
    users: ['frr'],
  },
  openbgpd: { bins: ['bgpd', 'bgpctl'], users: ['_openbgpd'] },
  gobgp: { bins: ['gobgpd', 'gobgp'], users: [] },
};

function found(bin: string): boolean {
  if (bin.startsWith('/')) return existsSync(bin);
  return spawnSync('sh', ['-c', 'command -v "$0"', bin], { stdio: 'ignore' }).status === 0;
}

function userExists(name: string): boolean {
  return spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
}

/**
 * Why the lab cannot run here, or null when it can: it needs Linux, root (network namespaces, veth
 * links, TCP-MD5), iproute2, sshd and the daemons' packages (bird2, frr, frr-pythontools,
 * openbgpd, gobgpd).
 */
export function labSkipReason(daemons: readonly LabDaemonName[] = LAB_DAEMONS): string | null {
  if (process.platform !== 'linux') return 'the router lab needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'the router lab needs root (network namespaces, veth links)';
  const missing: string[] = [];
  for (const part of ['lab' as const, ...daemons]) {
    missing.push(...NEEDS[part].bins.filter((b) => !found(b)));
    missing.push(...NEEDS[part].users.filter((u) => !userExists(u)).map((u) => `user ${u}`));
  }
  if (missing.length > 0) {
    return `the router lab misses ${missing.join(', ')} (apt-get install iproute2 openssh-server bird2 frr frr-pythontools openbgpd gobgpd)`;
  }
  return null;
}

/**
 * True when the lab can run. Otherwise SKIPPED on the console with the reason, or an error under
 * CI (CI=true), where the lab is mandatory. For `describe.skipIf(!labAvailable())`.
 */
export function labAvailable(daemons: readonly LabDaemonName[] = LAB_DAEMONS): boolean {
  const reason = labSkipReason(daemons);
  if (reason === null) return true;
  if (process.env.CI === 'true') throw new Error(`${reason}: the router lab is mandatory under CI`);
  console.warn(`\n*** SKIPPED: ${reason} ***\n`);
  return false;
}
