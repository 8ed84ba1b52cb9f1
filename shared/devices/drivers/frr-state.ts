import { canonicalIp } from '../../kernel';
import type { NeighborState, NeighborStateName } from '../device';

/** Readers of FRR 8's vtysh output (`show ... json`, `show running-config`, frr-reload.py's log). */

/** `show version`: its first line's daemon name and version (`FRRouting 8.4.4`). */
export function parseFrrVersion(text: string): string | null {
  const m = /^(FRRouting \S+)/m.exec(text);
  return m ? m[1]! : null;
}

/** `show bgp vrfs json`: the default VRF's router id. */
export function parseFrrRouterId(json: string): string | null {
  const parsed = parseJson(json) as { vrfs?: Record<string, { type?: string; routerId?: unknown }> } | null;
  const vrfs = Object.values(parsed?.vrfs ?? {});
  const id = vrfs.find((v) => v.type === 'DFLT')?.routerId;
  return typeof id === 'string' && canonicalIp(id) ? id : null;
}

/** `show running-config`: the AS of the default instance (`router bgp <as>`, not a `vrf` one). */
export function parseFrrAs(runningConfig: string): number | null {
  const m = /^router bgp (\d+)\s*$/m.exec(runningConfig);
  return m ? Number(m[1]) : null;
}

interface FrrNeighbor {
  remoteAs?: unknown;
  bgpState?: unknown;
  adminShutDown?: unknown;
  addressFamilyInfo?: Record<string, { acceptedPrefixCounter?: unknown }>;
}

const STATES: Record<string, NeighborStateName> = {
  idle: 'idle',
  connect: 'connect',
  active: 'active',
  opensent: 'opensent',
  openconfirm: 'openconfirm',
  established: 'established',
  clearing: 'idle',
  deleted: 'idle',
};

/**
 * `show bgp neighbors json` (default VRF): every neighbor with an address (interface neighbors are
 * left out: they have none). Accepted: FRR's accepted prefix counters of all address families;
 * received is not kept by FRR without soft-reconfiguration, so null. A string says what could
 * not be read.
 */
export function parseFrrNeighbors(json: string): NeighborState[] | string {
  const parsed = parseJson(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'not a JSON object';
  const neighbors: NeighborState[] = [];
  for (const [key, value] of Object.entries(parsed as Record<string, FrrNeighbor>)) {
    const peerIp = canonicalIp(key);
    if (!peerIp || typeof value !== 'object' || value === null) continue;
    const raw = typeof value.bgpState === 'string' ? value.bgpState : '';
    const state: NeighborStateName | undefined =
      value.adminShutDown === true ? 'admin_down' : STATES[raw.toLowerCase()];
    if (!state) return `neighbor ${key}: unknown state ${JSON.stringify(value.bgpState)}`;
    const families = Object.values(value.addressFamilyInfo ?? {});
    const counters = families.map((f) => f.acceptedPrefixCounter).filter((n) => typeof n === 'number');
    neighbors.push({
      peerIp,
      peerAsn: typeof value.remoteAs === 'number' ? value.remoteAs : null,
      state,
      prefixesReceived: null,
      prefixesAccepted: counters.length > 0 ? (counters as number[]).reduce((a, b) => a + b, 0) : null,
    });
  }
  return neighbors;
}

/**
 * `show running-config` as a config file frr-reload.py accepts: vtysh's header ("Building
 * configuration...", "Current configuration:") removed; frr-reload.py refuses it as a command.
 */
export function frrRunningConfigAsFile(text: string): string {
  const lines = text.split('\n');
  let start = 0;
  while (
    start < lines.length &&
    (lines[start]!.trim() === '' ||
      /^(Building configuration\.\.\.|Current configuration:)\s*$/.test(lines[start]!))
  ) {
    start += 1;
  }
  const body = lines.slice(start).join('\n');
  return body.endsWith('\n') ? body : `${body}\n`;
}

/**
 * Why frr-reload.py failed, from its exit status and its log (`--stdout`); null when it applied
 * the file. It exits non-zero when vtysh refuses the file, and logs ERROR when a command fails.
 */
export function frrReloadFailure(exitCode: number, output: string): string | null {
  const lines = output
    .split('\n')
    // eslint-disable-next-line no-control-regex
    .map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trim());
  const stamped = /^\d{4}-\d{2}-\d{2} [\d:,.]+\s+/;
  const errors: string[] = [];
  lines.forEach((line, i) => {
    if (!/\bERROR\b|Failed to execute/i.test(line)) return;
    errors.push(line.replace(stamped, ''));
    // The reason vtysh gave follows on the next line, unstamped.
    const next = lines[i + 1];
    if (next && !stamped.test(next)) errors.push(next);
  });
  if (exitCode === 0 && errors.length === 0) return null;
  return errors.length > 0 ? errors.join('\n') : `frr-reload.py exited with ${exitCode}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
