import { canonicalIp } from '../../kernel';
import type { NeighborState, NeighborStateName } from '../device';

/** Readers of OpenBGPD 7's output: `bgpctl -j show neighbor`, `bgpctl reload`, `bgpd -n -v`. */

const STATES: Record<string, NeighborStateName> = {
  none: 'idle',
  idle: 'idle',
  connect: 'connect',
  active: 'active',
  opensent: 'opensent',
  openconfirm: 'openconfirm',
  established: 'established',
};

interface BgpctlNeighbor {
  remote_addr?: unknown;
  remote_as?: unknown;
  state?: unknown;
  config?: { down?: unknown; template?: unknown };
  stats?: { prefixes?: { received?: unknown } };
}

/**
 * `bgpctl -j show neighbor`. With no neighbor bgpctl says "no such neighbor" (that is an empty
 * list). `remote_as` is a string; a neighbor configured `down` is
 * admin_down. Received: the prefixes the neighbor sent and bgpd holds (before its filters);
 * OpenBGPD reports no accepted count. Templates (neighbor ranges) are left out. A string says what
 * could not be read.
 */
export function parseBgpctlNeighbors(json: string): NeighborState[] | string {
  let parsed: { neighbors?: unknown };
  try {
    parsed = JSON.parse(json) as { neighbors?: unknown };
  } catch {
    return 'not JSON';
  }
  if (!Array.isArray(parsed.neighbors)) {
    // With no neighbor at all, bgpctl answers an error instead of an empty list.
    if (/no such neighbor/i.test(json)) return [];
    return `no "neighbors" list in ${json.trim().slice(0, 200)}`;
  }
  const neighbors: NeighborState[] = [];
  for (const n of parsed.neighbors as BgpctlNeighbor[]) {
    if (n.config?.template === true) continue;
    const address = typeof n.remote_addr === 'string' ? n.remote_addr : '';
    const peerIp = canonicalIp(address);
    if (!peerIp) return `neighbor address ${JSON.stringify(n.remote_addr)} is not an IP address`;
    const raw = typeof n.state === 'string' ? n.state : '';
    const state = n.config?.down === true ? 'admin_down' : STATES[raw.toLowerCase()];
    if (!state) return `neighbor ${address}: unknown state ${JSON.stringify(n.state)}`;
    const asText =
      typeof n.remote_as === 'string' || typeof n.remote_as === 'number' ? String(n.remote_as) : '';
    const received = n.stats?.prefixes?.received;
    neighbors.push({
      peerIp,
      peerAsn: /^\d+$/.test(asText) && asText !== '0' ? Number(asText) : null,
      state,
      prefixesReceived: typeof received === 'number' ? received : null,
      prefixesAccepted: null,
    });
  }
  return neighbors;
}

/**
 * `bgpctl reload`'s answer: it exits 0 whether or not bgpd took the file, and says
 * "request processed" when it did, "reload failed" when it did not. Null when reloaded.
 */
export function bgpctlReloadFailure(exitCode: number, output: string): string | null {
  const text = output.trim();
  if (exitCode === 0 && /request processed/.test(text) && !/reload failed|has errors/i.test(text))
    return null;
  return text === '' ? `bgpctl reload exited with ${exitCode}` : text;
}

/**
 * `bgpd -n -v -f <main>`: bgpd's parse of the config, printed back, with the global `AS` and
 * `router-id` it runs with (bgpctl does not report them).
 */
export function parseBgpdGlobals(text: string): { asn: number; routerId: string } | null {
  const as = /^AS (\d+)(?:\s|$)/m.exec(text)?.[1];
  const routerId = /^router-id (\S+)\s*$/m.exec(text)?.[1];
  if (!as || !routerId || !canonicalIp(routerId)) return null;
  return { asn: Number(as), routerId };
}

/** `bgpd -V`: `OpenBGPD 7.7`. */
export function parseBgpdVersion(text: string): string | null {
  const m = /^(OpenBGPD \S+)/m.exec(text.trim());
  return m ? m[1]! : null;
}

/**
 * The TCP-MD5 setting (`tcp md5sig ...` line) of each neighbor block of an OpenBGPD config, by the
 * neighbor's address as written; '' for a neighbor without one.
 */
export function openbgpdMd5Settings(config: string): Map<string, string> {
  const settings = new Map<string, string>();
  const open: (string | null)[] = [];
  for (const raw of config.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const neighbor = /^neighbor\s+(\S+)\s*\{$/.exec(line);
    if (neighbor) {
      open.push(neighbor[1]!);
      settings.set(neighbor[1]!, '');
    } else if (line.endsWith('{')) open.push(null);
    else if (line === '}') open.pop();
    else if (/^tcp\s+md5sig\b/.test(line)) {
      const current = open.filter((n) => n !== null).at(-1);
      if (current) settings.set(current, line);
    }
  }
  return settings;
}

/**
 * The neighbors in both configs whose TCP-MD5 setting differs. bgpd (portable, on Linux) gives an
 * established session's socket no new key on reload: such a session must be reset to use it.
 */
export function md5ChangedNeighbors(before: string, after: string): string[] {
  const old = openbgpdMd5Settings(before);
  return [...openbgpdMd5Settings(after)].filter(([n, s]) => old.has(n) && old.get(n) !== s).map(([n]) => n);
}
