import { canonicalIp } from '../../kernel';

/**
 * peerflow's GoBGP config as the objects GoBGP's API takes. peerflow renders TOML for GoBGP (the
 * file the SSH driver delivers); over gRPC the same render is read back into what it declares, so
 * that both transports deliver one config. Only what peerflow renders is read: any other table, key
 * or value is a reason to refuse, never something left out silently.
 */

export type GobgpFamily = 'ipv4' | 'ipv6';
export type DefaultAction = 'accept-route' | 'reject-route';

export interface GobgpNeighborSpec {
  readonly address: string;
  readonly peerAs: number;
  readonly description: string;
  readonly peerGroup: string;
  readonly localAs: number | null;
  readonly password: string | null;
  readonly localAddress: string | null;
  readonly multihopTtl: number | null;
  readonly family: GobgpFamily;
  readonly prefixLimit: number | null;
}

export interface GobgpPolicyAssignment {
  readonly policies: readonly string[];
  readonly defaultAction: DefaultAction | null;
}

export interface GobgpPlan {
  readonly asn: number | null;
  readonly routerId: string | null;
  readonly importPolicy: GobgpPolicyAssignment;
  readonly exportPolicy: GobgpPolicyAssignment;
  readonly groups: readonly { readonly name: string; readonly family: GobgpFamily }[];
  readonly neighborSets: readonly { readonly name: string; readonly addresses: readonly string[] }[];
  readonly neighbors: readonly GobgpNeighborSpec[];
}

type Value = string | number | boolean | string[];

const FAMILIES: Record<string, GobgpFamily> = { 'ipv4-unicast': 'ipv4', 'ipv6-unicast': 'ipv6' };

function parseValue(text: string): Value | undefined {
  const s = /^"([^"\\]*)"$/.exec(text);
  if (s) return s[1]!;
  if (/^\d{1,10}$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  const list = /^\[(.*)\]$/.exec(text);
  if (list) {
    const inner = list[1]!.trim();
    if (inner === '') return [];
    const items = inner.split(',').map((i) => /^\s*"([^"\\]*)"\s*$/.exec(i)?.[1]);
    return items.every((i) => i !== undefined) ? (items as string[]) : undefined;
  }
  return undefined;
}

/** The keys each table may hold, with the type of their value. */
const TABLES: Record<string, Record<string, 'string' | 'number' | 'boolean' | 'list'>> = {
  'global.config': { as: 'number', 'router-id': 'string' },
  'global.apply-policy.config': {
    'import-policy-list': 'list',
    'default-import-policy': 'string',
    'export-policy-list': 'list',
    'default-export-policy': 'string',
  },
  'peer-groups': {},
  'peer-groups.config': { 'peer-group-name': 'string' },
  'peer-groups.afi-safis': {},
  'peer-groups.afi-safis.config': { 'afi-safi-name': 'string' },
  'defined-sets.neighbor-sets': { 'neighbor-set-name': 'string', 'neighbor-info-list': 'list' },
  neighbors: {},
  'neighbors.config': {
    'neighbor-address': 'string',
    'peer-as': 'number',
    description: 'string',
    'peer-group': 'string',
    'local-as': 'number',
    'auth-password': 'string',
  },
  'neighbors.transport.config': { 'local-address': 'string' },
  'neighbors.ebgp-multihop.config': { enabled: 'boolean', 'multihop-ttl': 'number' },
  'neighbors.afi-safis': {},
  'neighbors.afi-safis.config': { 'afi-safi-name': 'string' },
  'neighbors.afi-safis.prefix-limit.config': { 'max-prefixes': 'number' },
};
/** Tables written `[[...]]`: each opens a new entry. */
const ARRAYS = new Set([
  'peer-groups',
  'peer-groups.afi-safis',
  'defined-sets.neighbor-sets',
  'neighbors',
  'neighbors.afi-safis',
]);

interface Entry {
  readonly table: string;
  readonly values: Map<string, Value>;
}

const typeOf = (v: Value) => (Array.isArray(v) ? 'list' : (typeof v as 'string' | 'number' | 'boolean'));

/**
 * Reads peerflow's TOML for GoBGP into the plan; a string says, with its line, what is not
 * peerflow's or cannot be sent over the API.
 */
export function parseGobgpPlan(toml: string): GobgpPlan | string {
  const entries: Entry[] = [];
  let current: Entry | null = null;
  const lines = toml.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    const at = `line ${i + 1}`;
    if (line === '' || line.startsWith('#')) continue;
    const header = /^(\[\[?)\s*([a-z.-]+)\s*(\]\]?)$/.exec(line);
    if (header) {
      const [, open, name, close] = header as unknown as [string, string, string, string];
      if (!(name in TABLES) || (open === '[[') !== ARRAYS.has(name) || open.length !== close.length) {
        return `${at}: table ${line} is not part of what peerflow sends over GoBGP's API (peerflow's routing policies and RPKI servers reach GoBGP over ssh only: use an ssh connection, or the policy external for the group)`;
      }
      current = { table: name, values: new Map() };
      entries.push(current);
      continue;
    }
    const kv = /^([a-z-]+)\s*=\s*(.+?)\s*$/.exec(line);
    if (!kv || current === null) return `${at}: cannot read ${JSON.stringify(line.slice(0, 80))}`;
    const [, key, raw] = kv as unknown as [string, string, string];
    const expected = TABLES[current.table]![key];
    const value = parseValue(raw);
    if (expected === undefined) return `${at}: ${current.table} ${key} is not sent over GoBGP's API`;
    if (value === undefined || typeOf(value) !== expected) return `${at}: ${key} must be a ${expected}`;
    current.values.set(key, value);
  }
  return assemble(entries);
}

function assemble(entries: readonly Entry[]): GobgpPlan | string {
  let asn: number | null = null;
  let routerId: string | null = null;
  const policy = { import: [] as string[], export: [] as string[] };
  const defaults: { import: DefaultAction | null; export: DefaultAction | null } = {
    import: null,
    export: null,
  };
  const groups: { name: string; family: GobgpFamily | null }[] = [];
  const sets: { name: string; addresses: string[] }[] = [];
  const neighbors: Partial<Record<keyof GobgpNeighborSpec, unknown>>[] = [];
  let owner: 'group' | 'neighbor' | null = null;
  const defaultAction = (v: Value | undefined): DefaultAction | null | string => {
    if (v === undefined) return null;
    return v === 'accept-route' || v === 'reject-route' ? v : `default policy ${String(v)} is not known`;
  };
  for (const { table, values } of entries) {
    const get = (k: string) => values.get(k);
    switch (table) {
      case 'global.config':
        asn = (get('as') as number | undefined) ?? null;
        routerId = (get('router-id') as string | undefined) ?? null;
        break;
      case 'global.apply-policy.config': {
        policy.import = (get('import-policy-list') as string[] | undefined) ?? [];
        policy.export = (get('export-policy-list') as string[] | undefined) ?? [];
        const im = defaultAction(get('default-import-policy'));
        const ex = defaultAction(get('default-export-policy'));
        if (typeof im === 'string' && im.includes(' ')) return im;
        if (typeof ex === 'string' && ex.includes(' ')) return ex;
        defaults.import = im as DefaultAction | null;
        defaults.export = ex as DefaultAction | null;
        break;
      }
      case 'peer-groups':
        groups.push({ name: '', family: null });
        owner = 'group';
        break;
      case 'peer-groups.config':
        if (groups.length === 0) return 'peer-groups.config outside [[peer-groups]]';
        groups.at(-1)!.name = (get('peer-group-name') as string | undefined) ?? '';
        break;
      case 'defined-sets.neighbor-sets':
        sets.push({
          name: (get('neighbor-set-name') as string | undefined) ?? '',
          addresses: (get('neighbor-info-list') as string[] | undefined) ?? [],
        });
        break;
      case 'neighbors':
        neighbors.push({});
        owner = 'neighbor';
        break;
      case 'neighbors.config': {
        const n = neighbors.at(-1);
        if (!n) return 'neighbors.config outside [[neighbors]]';
        n.address = get('neighbor-address');
        n.peerAs = get('peer-as');
        n.description = get('description') ?? '';
        n.peerGroup = get('peer-group') ?? '';
        n.localAs = get('local-as') ?? null;
        n.password = get('auth-password') ?? null;
        break;
      }
      case 'neighbors.transport.config':
        if (neighbors.length === 0) return 'neighbors.transport outside [[neighbors]]';
        neighbors.at(-1)!.localAddress = get('local-address') ?? null;
        break;
      case 'neighbors.ebgp-multihop.config':
        if (neighbors.length === 0) return 'neighbors.ebgp-multihop outside [[neighbors]]';
        neighbors.at(-1)!.multihopTtl = get('enabled') === true ? (get('multihop-ttl') ?? null) : null;
        break;
      case 'peer-groups.afi-safis':
      case 'neighbors.afi-safis':
        break;
      case 'peer-groups.afi-safis.config':
      case 'neighbors.afi-safis.config': {
        const name = get('afi-safi-name') as string | undefined;
        const family = name === undefined ? undefined : FAMILIES[name];
        if (!family) return `address family ${name ?? '(none)'} is not sent over GoBGP's API`;
        const target = owner === 'group' ? groups.at(-1) : neighbors.at(-1);
        if (!target) return `${table} outside its entry`;
        if ((target as { family?: unknown }).family)
          return 'one address family per entry is all peerflow sends';
        (target as { family?: unknown }).family = family;
        break;
      }
      case 'neighbors.afi-safis.prefix-limit.config':
        if (neighbors.length === 0) return 'prefix-limit outside [[neighbors]]';
        neighbors.at(-1)!.prefixLimit = get('max-prefixes') ?? null;
        break;
    }
  }
  for (const g of groups) {
    if (g.name === '' || g.family === null) return 'every peer group needs a name and an address family';
  }
  const specs: GobgpNeighborSpec[] = [];
  for (const n of neighbors) {
    const address = typeof n.address === 'string' ? n.address : '';
    const ip = canonicalIp(address);
    if (!ip) return `neighbor address ${JSON.stringify(address)} is not an IP address`;
    if (typeof n.peerAs !== 'number' || n.peerAs < 1 || n.peerAs > 4_294_967_295)
      return `neighbor ${ip}: peer-as must be an AS number`;
    if (!n.family) return `neighbor ${ip}: no address family`;
    if (n.localAddress !== undefined && n.localAddress !== null && !canonicalIp(String(n.localAddress)))
      return `neighbor ${ip}: local-address is not an IP address`;
    specs.push({
      address: ip,
      peerAs: n.peerAs,
      description: String(n.description ?? ''),
      peerGroup: String(n.peerGroup ?? ''),
      localAs: (n.localAs as number | null | undefined) ?? null,
      password: (n.password as string | null | undefined) ?? null,
      localAddress: n.localAddress ? (canonicalIp(String(n.localAddress)) ?? null) : null,
      multihopTtl: (n.multihopTtl as number | null | undefined) ?? null,
      family: n.family as GobgpFamily,
      prefixLimit: (n.prefixLimit as number | null | undefined) ?? null,
    });
  }
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.address)) return `neighbor ${s.address} is declared twice`;
    seen.add(s.address);
  }
  for (const s of sets) {
    const bad = s.addresses.find((a) => !canonicalIp(a));
    if (bad !== undefined) return `neighbor set ${s.name}: ${bad} is not an IP address`;
  }
  return {
    asn,
    routerId,
    importPolicy: { policies: policy.import, defaultAction: defaults.import },
    exportPolicy: { policies: policy.export, defaultAction: defaults.export },
    groups: groups as { name: string; family: GobgpFamily }[],
    neighborSets: sets.map((s) => ({ name: s.name, addresses: s.addresses.map((a) => canonicalIp(a)!) })),
    neighbors: specs,
  };
}

/**
 * The plan as TOML in peerflow's layout (without its comments, which no daemon keeps): what the
 * daemon runs, shown beside what peerflow would send.
 */
export function renderGobgpPlan(plan: GobgpPlan): string {
  const family = (f: GobgpFamily) => `${f}-unicast`;
  const list = (items: readonly string[]) => `[${items.map((i) => `"${i}"`).join(', ')}]`;
  const out: string[] = [];
  if (plan.asn !== null || plan.routerId !== null) {
    out.push('[global.config]');
    if (plan.asn !== null) out.push(`  as = ${plan.asn}`);
    if (plan.routerId !== null) out.push(`  router-id = "${plan.routerId}"`);
  }
  out.push('[global.apply-policy.config]', `  import-policy-list = ${list(plan.importPolicy.policies)}`);
  if (plan.importPolicy.defaultAction)
    out.push(`  default-import-policy = "${plan.importPolicy.defaultAction}"`);
  out.push(`  export-policy-list = ${list(plan.exportPolicy.policies)}`);
  if (plan.exportPolicy.defaultAction)
    out.push(`  default-export-policy = "${plan.exportPolicy.defaultAction}"`);
  out.push('');
  for (const g of plan.groups) {
    out.push(
      '[[peer-groups]]',
      '  [peer-groups.config]',
      `    peer-group-name = "${g.name}"`,
      '  [[peer-groups.afi-safis]]',
      '    [peer-groups.afi-safis.config]',
      `      afi-safi-name = "${family(g.family)}"`,
      '',
    );
  }
  for (const s of plan.neighborSets) {
    out.push(
      '[[defined-sets.neighbor-sets]]',
      `  neighbor-set-name = "${s.name}"`,
      `  neighbor-info-list = ${list(s.addresses)}`,
      '',
    );
  }
  for (const n of plan.neighbors) {
    out.push(
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${n.address}"`,
      `    peer-as = ${n.peerAs}`,
      `    description = "${n.description}"`,
      `    peer-group = "${n.peerGroup}"`,
    );
    if (n.localAs !== null) out.push(`    local-as = ${n.localAs}`);
    if (n.password !== null) out.push(`    auth-password = "${n.password}"`);
    if (n.localAddress !== null)
      out.push('  [neighbors.transport.config]', `    local-address = "${n.localAddress}"`);
    if (n.multihopTtl !== null) {
      out.push(
        '  [neighbors.ebgp-multihop.config]',
        '    enabled = true',
        `    multihop-ttl = ${n.multihopTtl}`,
      );
    }
    out.push(
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = "${family(n.family)}"`,
    );
    if (n.prefixLimit !== null)
      out.push('    [neighbors.afi-safis.prefix-limit.config]', `      max-prefixes = ${n.prefixLimit}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** Whether two neighbor specs say the same (a neighbor that differs is deleted and added again). */
export function sameNeighbor(a: GobgpNeighborSpec, b: GobgpNeighborSpec): boolean {
  return (Object.keys(a) as (keyof GobgpNeighborSpec)[]).every((k) => a[k] === b[k]);
}
