import { canonicalIp } from '../../kernel';
import type { NeighborState, NeighborStateName } from '../device';

/**
 * Readers of GoBGP 3's output (`gobgp global -j`, `gobgp neighbor -j`, `gobgpd --version`), of
 * `pgrep -a`, and of the few things the drivers need from a gobgpd TOML file.
 */

/** `gobgp global -j`: `{"asn":64500,"router_id":"192.0.2.1",...}`. */
export function parseGobgpGlobal(json: string): { asn: number; routerId: string } | null {
  let parsed: { asn?: unknown; router_id?: unknown };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return null;
  }
  const { asn, router_id: routerId } = parsed;
  if (typeof asn !== 'number' || typeof routerId !== 'string' || !canonicalIp(routerId)) return null;
  return { asn, routerId };
}

/** `gobgpd --version`: `gobgpd version 3.10.0` gives `gobgpd 3.10.0`. */
export function parseGobgpdVersion(text: string): string | null {
  const m = /^gobgpd version (\S+)/m.exec(text.trim());
  return m ? `gobgpd ${m[1]}` : null;
}

/** apipb.PeerState.SessionState of GoBGP 3 (v4 renumbered it), by number and by name. */
const SESSION_STATES: Record<string, NeighborStateName> = {
  '0': 'idle',
  '1': 'idle',
  '2': 'connect',
  '3': 'active',
  '4': 'opensent',
  '5': 'openconfirm',
  '6': 'established',
  UNKNOWN: 'idle',
  IDLE: 'idle',
  CONNECT: 'connect',
  ACTIVE: 'active',
  OPENSENT: 'opensent',
  OPENCONFIRM: 'openconfirm',
  ESTABLISHED: 'established',
};
/** apipb.PeerState.AdminState: UP 0, DOWN 1, PFX_CT 2 (shut by its prefix limit). */
const ADMIN_DOWN = new Set(['1', '2', 'DOWN', 'PFX_CT']);

interface GobgpPeer {
  conf?: { neighbor_address?: unknown; peer_asn?: unknown };
  state?: { neighbor_address?: unknown; peer_asn?: unknown; session_state?: unknown; admin_state?: unknown };
  afi_safis?: { state?: { received?: unknown; accepted?: unknown } }[];
}

const count = (v: unknown) => (typeof v === 'number' ? v : 0);

/**
 * `gobgp neighbor -j`. GoBGP prints its enums as numbers and leaves out every field whose value is
 * zero (session_state 0, admin_state UP, a count of 0): an absent count is 0 when the neighbor has
 * address families. A string says what could not be read.
 */
export function parseGobgpNeighbors(json: string): NeighborState[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'not JSON';
  }
  // gobgp prints `null` when there is no neighbor.
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) return 'not a JSON list';
  const neighbors: NeighborState[] = [];
  for (const p of parsed as GobgpPeer[]) {
    const address = p.state?.neighbor_address ?? p.conf?.neighbor_address;
    const peerIp = typeof address === 'string' ? canonicalIp(address) : undefined;
    if (!peerIp) return `neighbor address ${JSON.stringify(address)} is not an IP address`;
    const admin = String(p.state?.admin_state ?? 0);
    const session = String(p.state?.session_state ?? 0);
    const state = ADMIN_DOWN.has(admin) ? 'admin_down' : SESSION_STATES[session];
    if (!state) return `neighbor ${peerIp}: unknown session state ${session}`;
    const asn = p.state?.peer_asn ?? p.conf?.peer_asn;
    const families = p.afi_safis ?? [];
    neighbors.push({
      peerIp,
      peerAsn: typeof asn === 'number' && asn > 0 ? asn : null,
      state,
      prefixesReceived:
        families.length > 0 ? families.reduce((n, f) => n + count(f.state?.received), 0) : null,
      prefixesAccepted:
        families.length > 0 ? families.reduce((n, f) => n + count(f.state?.accepted), 0) : null,
    });
  }
  return neighbors;
}

/**
 * The pids of `pgrep -a -x gobgpd` lines whose gobgpd was started with `configPath` as its config
 * file (`-f <path>`, `-f<path>`, `--config-file <path>` or `--config-file=<path>`).
 */
export function gobgpdPidsFor(pgrepOutput: string, configPath: string): number[] {
  const pids: number[] = [];
  for (const line of pgrepOutput.split('\n')) {
    const m = /^(\d+) (.*)$/.exec(line.trim());
    if (!m) continue;
    const args = ` ${m[2]!} `;
    const forms = [
      ` -f ${configPath} `,
      ` -f${configPath} `,
      ` --config-file ${configPath} `,
      ` --config-file=${configPath} `,
    ];
    if (forms.some((f) => args.includes(f))) pids.push(Number(m[1]));
  }
  return pids;
}

/** What the drivers check in a gobgpd TOML file: its `[global.config]` and its neighbors' addresses. */
export interface GobgpConfigSummary {
  readonly asn: number | null;
  readonly routerId: string | null;
  /** `neighbor-address` of every `[neighbors.config]`, as written. */
  readonly neighbors: readonly string[];
}

/**
 * Reads the few keys above from TOML as peerflow renders it and operators write it (one key per
 * line, tables by header). Not a TOML parser: gobgpd's own check runs on the same file.
 */
export function summarizeGobgpConfig(toml: string): GobgpConfigSummary {
  let table = '';
  let asn: number | null = null;
  let routerId: string | null = null;
  const neighbors: string[] = [];
  for (const raw of toml.split('\n')) {
    const line = raw.trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1]!;
      continue;
    }
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.+?)\s*(?:#.*)?$/.exec(line);
    if (!kv) continue;
    const [, key, value] = kv as unknown as [string, string, string];
    const text = /^"(.*)"$/.exec(value)?.[1];
    if (table === 'global.config' && key === 'as' && /^\d+$/.test(value)) asn = Number(value);
    if (table === 'global.config' && key === 'router-id' && text !== undefined) routerId = text;
    if (table === 'neighbors.config' && key === 'neighbor-address' && text !== undefined)
      neighbors.push(text);
  }
  return { asn, routerId, neighbors };
}

interface TomlSegment {
  /** The neighbor's address when the segment is a `[[neighbors]]` entry. */
  readonly neighbor: string | null;
  readonly lines: string[];
}

/** The file cut at each top-level table header: a `[[neighbors]]` entry runs to the next non-neighbor header. */
function segments(toml: string): TomlSegment[] {
  const out: { neighbor: string | null; lines: string[] }[] = [{ neighbor: null, lines: [] }];
  for (const line of toml.split('\n')) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*$/.exec(line)?.[1];
    const current = out.at(-1)!;
    const inNeighbor = current.lines.length > 0 && /^\s*\[\[neighbors\]\]\s*$/.test(current.lines[0]!);
    if (header === 'neighbors' && /^\s*\[\[/.test(line)) out.push({ neighbor: null, lines: [line] });
    else if (header !== undefined && !(inNeighbor && header.startsWith('neighbors.'))) {
      out.push({ neighbor: null, lines: [line] });
    } else {
      current.lines.push(line);
      const address = /^\s*neighbor-address\s*=\s*"([^"]*)"/.exec(line)?.[1];
      if (inNeighbor && address !== undefined) current.neighbor = address;
    }
  }
  return out;
}

/** What gobgpd compares of a neighbor entry: its lines without comments and blank lines. */
const meaning = (lines: readonly string[]) =>
  lines
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l !== '')
    .join('\n');

/** The neighbors declared in both files whose `[[neighbors]]` entry differs. */
export function changedGobgpNeighbors(before: string, after: string): string[] {
  const old = new Map(
    segments(before).flatMap((s) => (s.neighbor === null ? [] : [[s.neighbor, meaning(s.lines)]])),
  );
  return segments(after)
    .filter((s) => s.neighbor !== null && old.has(s.neighbor) && old.get(s.neighbor) !== meaning(s.lines))
    .map((s) => s.neighbor!);
}

/** `toml` without the `[[neighbors]]` entries of `addresses`. */
export function withoutGobgpNeighbors(toml: string, addresses: readonly string[]): string {
  return segments(toml)
    .filter((s) => s.neighbor === null || !addresses.includes(s.neighbor))
    .flatMap((s) => s.lines)
    .join('\n');
}
