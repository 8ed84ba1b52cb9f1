import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_FILE, type ObjectType } from '../../shared/peeringdb';

/**
 * A made-up PeeringDB, shaped like the real one: names, numbers and addresses come from a seeded
 * generator, never from real data. `full` has PeeringDB's size; `small` is the demo set.
 */
export type Scale = 'small' | 'full';
export type Records = Record<ObjectType, Record<string, unknown>[]>;

const SIZES = {
  small: {
    /** The biggest exchange's members, as a share of all networks. */
    biggest: 0.4,
    ix: 60,
    net: 600,
    fac: 120,
    pocs: 400,
    netfac: 900,
    members: 1_300,
    extraPorts: 120,
    ixfac: 140,
  },
  full: {
    biggest: 0.065,
    ix: 1_300,
    net: 35_000,
    fac: 6_000,
    pocs: 20_000,
    netfac: 50_000,
    members: 72_000,
    extraPorts: 8_000,
    ixfac: 3_000,
  },
} as const;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    /** Picks by weight: `[[value, weight], ...]`. */
    weighted: <T>(table: readonly (readonly [T, number])[]): T => {
      const total = table.reduce((s, [, w]) => s + w, 0);
      let r = next() * total;
      for (const [value, w] of table) {
        r -= w;
        if (r < 0) return value;
      }
      return (table[table.length - 1] as readonly [T, number])[0];
    },
  };
}
export type Prng = ReturnType<typeof prng>;

const SYLLABLES = [
  'al',
  'bor',
  'cen',
  'dra',
  'el',
  'fin',
  'gal',
  'hex',
  'ion',
  'jun',
  'kor',
  'lum',
  'mar',
  'nov',
  'or',
  'pra',
  'quin',
  'ros',
  'sel',
  'tor',
  'ul',
  'vex',
  'wen',
  'xan',
  'yor',
  'zel',
];
const NET_SUFFIXES = [
  'Networks',
  'Telecom',
  'Cloud',
  'Broadband',
  'Hosting',
  'Communications',
  'Fiber',
  'Online',
  'Data',
  'Connect',
];
const CITIES: readonly (readonly [string, string, string])[] = [
  ['Northport', 'US', 'North America'],
  ['Eastvale', 'US', 'North America'],
  ['Lakeshire', 'CA', 'North America'],
  ['Riverton', 'GB', 'Europe'],
  ['Altenburg', 'DE', 'Europe'],
  ['Brugmond', 'NL', 'Europe'],
  ['Valmont', 'FR', 'Europe'],
  ['Sorrenta', 'IT', 'Europe'],
  ['Kastel', 'PL', 'Europe'],
  ['Nordvik', 'SE', 'Europe'],
  ['Sakurano', 'JP', 'Asia Pacific'],
  ['Harbourview', 'SG', 'Asia Pacific'],
  ['Coralbay', 'AU', 'Australia'],
  ['Sao Marcos', 'BR', 'South America'],
  ['Rio Claro', 'AR', 'South America'],
  ['Kijani', 'KE', 'Africa'],
  ['Cape Aurora', 'ZA', 'Africa'],
  ['Ardesh', 'IN', 'Asia Pacific'],
  ['Qamar', 'AE', 'Middle East'],
  ['Mesa Alta', 'MX', 'North America'],
];
const POLICIES = [
  ['Open', 60],
  ['Selective', 25],
  ['Restrictive', 10],
  ['No', 5],
] as const;
const TYPES = [
  ['NSP', 30],
  ['Content', 20],
  ['Cable/DSL/ISP', 35],
  ['Enterprise', 5],
  ['Educational/Research', 5],
  ['Non-Profit', 3],
  ['Route Server', 2],
] as const;
const RATIOS = [
  ['', 20],
  ['Balanced', 40],
  ['Mostly Inbound', 20],
  ['Heavy Inbound', 8],
  ['Mostly Outbound', 8],
  ['Heavy Outbound', 4],
] as const;
const SCOPES = [
  ['Regional', 40],
  ['Global', 20],
  ['Europe', 15],
  ['North America', 10],
  ['Asia Pacific', 10],
  ['South America', 5],
] as const;
const TRAFFIC = [
  ['', 20],
  ['1-5Gbps', 20],
  ['5-10Gbps', 15],
  ['10-20Gbps', 15],
  ['20-50Gbps', 10],
  ['100-200Gbps', 10],
  ['1-5Tbps', 10],
] as const;
const ROLES = [
  ['Policy', 35],
  ['Technical', 30],
  ['NOC', 25],
  ['Abuse', 10],
] as const;

function word(r: Prng, parts: number): string {
  let w = '';
  for (let i = 0; i < parts; i++) w += r.pick(SYLLABLES);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function stamp(r: Prng, fromYear: number, toYear: number): string {
  const from = Date.UTC(fromYear, 0, 1);
  const to = Date.UTC(toYear, 11, 31);
  return new Date(from + Math.floor((r.next() * (to - from)) / 1000) * 1000)
    .toISOString()
    .replace('.000Z', 'Z');
}

/** Heavy-tailed counts: most networks announce few prefixes, a few announce very many. */
function prefixCount(r: Prng, scale: number): number | null {
  if (r.next() < 0.03) return null;
  return Math.max(0, Math.round(Math.exp(r.next() * Math.log(scale)) - 1));
}

function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function generate(scale: Scale, seed: number): Records {
  const r = prng(seed);
  const size = SIZES[scale];
  const out: Records = {
    org: [],
    fac: [],
    ix: [],
    ixlan: [],
    ixpfx: [],
    ixfac: [],
    net: [],
    poc: [],
    netfac: [],
    netixlan: [],
  };
  const names = new Set<string>();
  const unique = (name: string) => {
    let n = name;
    for (let i = 2; names.has(n); i++) n = `${name} ${i}`;
    names.add(n);
    return n;
  };

  // One organisation per network, plus the operators of exchanges and facilities.
  const orgCount = size.net + Math.ceil(size.ix / 2) + Math.ceil(size.fac / 4);
  for (let id = 1; id <= orgCount; id++) {
    const [city, country] = r.pick(CITIES);
    out.org.push({
      id,
      name: unique(`${word(r, 2)} ${r.pick(['Group', 'Holdings', 'Inc.', 'GmbH', 'Ltd', 'B.V.', 'S.A.'])}`),
      website: '',
      city,
      country,
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
  }
  const orgOf = (i: number) => size.net + 1 + (i % (orgCount - size.net));

  for (let id = 1; id <= size.fac; id++) {
    const [city, country, continent] = r.pick(CITIES);
    out.fac.push({
      id,
      org_id: orgOf(id),
      name: unique(`${word(r, 2)} ${city} ${r.int(1, 9)}`),
      city,
      country,
      region_continent: continent,
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
  }

  // Exchange sizes fall off with rank: a few with 1,000+ members, most with a handful.
  const weights = Array.from({ length: size.ix }, (_, i) => (i + 1) ** -0.7);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const memberCounts = weights.map((w) =>
    Math.min(Math.round(size.net * size.biggest), Math.max(2, Math.round((size.members * w) / weightSum))),
  );
  let nextV4 = (100 << 24) | (64 << 16); // 100.64.0.0/10: never routed, never anyone's real exchange
  let pfxId = 1;
  const lanV4 = new Map<number, { base: number; hosts: number }>();
  for (let id = 1; id <= size.ix; id++) {
    const [city, country, continent] = r.pick(CITIES);
    const name = unique(`${word(r, 1).toUpperCase()}-IX ${city}${r.next() < 0.3 ? ` ${r.int(1, 4)}` : ''}`);
    const ipv6 = r.next() < 0.55 || (memberCounts[id - 1] ?? 0) > 50;
    out.ix.push({
      id,
      org_id: orgOf(id + 7),
      name,
      name_long: `${name} Internet Exchange`,
      city,
      country,
      region_continent: continent,
      media: 'Ethernet',
      website: `https://www.${name.split(' ')[0]?.toLowerCase()}.example`,
      tech_email: `noc@${name.split(' ')[0]?.toLowerCase()}.example`,
      policy_email: `peering@${name.split(' ')[0]?.toLowerCase()}.example`,
      proto_unicast: true,
      proto_ipv6: ipv6,
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
    out.ixlan.push({
      id,
      ix_id: id,
      name: '',
      mtu: r.pick([1500, 1500, 9000]),
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
    const needed = (memberCounts[id - 1] ?? 2) * 1.3 + 10;
    const bits = Math.max(8, Math.ceil(Math.log2(needed)));
    const block = 2 ** bits;
    nextV4 = Math.ceil(nextV4 / block) * block;
    lanV4.set(id, { base: nextV4, hosts: block - 2 });
    out.ixpfx.push({
      id: pfxId++,
      ixlan_id: id,
      protocol: 'IPv4',
      prefix: `${ipv4(nextV4)}/${32 - bits}`,
      in_dfz: r.next() < 0.9,
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
    nextV4 += block;
    if (ipv6)
      out.ixpfx.push({
        id: pfxId++,
        ixlan_id: id,
        protocol: 'IPv6',
        prefix: `2001:db8:${id.toString(16)}::/64`,
        in_dfz: r.next() < 0.9,
        created: stamp(r, 2005, 2015),
        updated: stamp(r, 2016, 2025),
        status: 'ok',
      });
  }
  for (let id = 1; id <= size.ixfac; id++) {
    const fac = r.int(1, size.fac);
    const f = out.fac[fac - 1] as { name: string; city: string; country: string };
    out.ixfac.push({
      id,
      ix_id: ((id - 1) % size.ix) + 1,
      fac_id: fac,
      name: f.name,
      city: f.city,
      country: f.country,
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
  }

  const asns = new Set<number>();
  for (let id = 1; id <= size.net; id++) {
    let asn = r.next() < 0.7 ? r.int(1, 64_000) : r.int(131_072, 400_000);
    while (asns.has(asn)) asn += 1;
    asns.add(asn);
    const name = unique(`${word(r, r.int(1, 3))} ${r.pick(NET_SUFFIXES)}`);
    const handle = name.split(' ')[0]?.toUpperCase() ?? 'NET';
    const irr = r.next() < 0.75 ? (r.next() < 0.3 ? `RIPE::AS-${handle}` : `AS-${handle}`) : '';
    out.net.push({
      id,
      org_id: id,
      asn,
      name,
      aka: r.next() < 0.2 ? `${handle} AS${asn}` : '',
      name_long: '',
      website: `https://www.${handle.toLowerCase()}.example`,
      irr_as_set: irr,
      info_traffic: r.weighted(TRAFFIC),
      info_ratio: r.weighted(RATIOS),
      info_scope: r.weighted(SCOPES),
      info_type: r.weighted(TYPES),
      info_prefixes4: prefixCount(r, 20_000),
      info_prefixes6: prefixCount(r, 2_000),
      info_unicast: true,
      info_multicast: false,
      info_ipv6: r.next() < 0.8,
      looking_glass: '',
      route_server: '',
      notes: '',
      policy_url: r.next() < 0.5 ? `https://www.${handle.toLowerCase()}.example/peering` : '',
      policy_general: r.weighted(POLICIES),
      policy_locations: r.pick(['Not Required', 'Preferred', 'Required - US', 'Required - International']),
      policy_ratio: r.next() < 0.15,
      policy_contracts: r.pick(['Not Required', 'Not Required', 'Private Only', 'Required']),
      created: stamp(r, 2005, 2015),
      updated: stamp(r, 2016, 2025),
      status: 'ok',
    });
  }

  // Big networks are everywhere: the chance to be picked falls off with the network id.
  const pickNet = () => Math.min(size.net, 1 + Math.floor(size.net * r.next() ** 2.2));
  let rowId = 1;
  for (let ix = 1; ix <= size.ix; ix++) {
    const lan = lanV4.get(ix) as { base: number; hosts: number };
    const ipv6 = (out.ix[ix - 1] as { proto_ipv6: boolean }).proto_ipv6;
    const members = new Set<number>();
    const want = memberCounts[ix - 1] ?? 2;
    for (let tries = 0; members.size < want && tries < want * 20; tries++) members.add(pickNet());
    let host = 1;
    for (const netId of members) {
      const net = out.net[netId - 1] as { asn: number };
      const v6 = ipv6 ? `2001:db8:${ix.toString(16)}::${host.toString(16)}` : null;
      out.netixlan.push(row(rowId++, netId, ix, net.asn, ipv4(lan.base + host), v6));
      host += 1;
    }
    lanV4.set(ix, { base: lan.base, hosts: host });
  }
  // Second ports: some members have two connections to one exchange.
  for (let i = 0; i < size.extraPorts; i++) {
    const first = out.netixlan[r.int(0, out.netixlan.length - 1)] as {
      net_id: number;
      ix_id: number;
      asn: number;
      ipaddr6: string | null;
    };
    const lan = lanV4.get(first.ix_id) as { base: number; hosts: number };
    const capacity = 2 ** Math.ceil(Math.log2((memberCounts[first.ix_id - 1] ?? 2) * 1.3 + 10)) - 2;
    if (lan.hosts >= capacity) continue;
    out.netixlan.push(
      row(
        rowId++,
        first.net_id,
        first.ix_id,
        first.asn,
        ipv4(lan.base + lan.hosts),
        first.ipaddr6 ? `2001:db8:${first.ix_id.toString(16)}::${lan.hosts.toString(16)}` : null,
      ),
    );
    lan.hosts += 1;
  }

  function row(id: number, netId: number, ixId: number, asn: number, v4: string | null, v6: string | null) {
    return {
      id,
      net_id: netId,
      ix_id: ixId,
      ixlan_id: ixId,
      asn,
      ipaddr4: r.next() < 0.99 ? v4 : null,
      ipaddr6: v6,
      speed: r.pick([1_000, 10_000, 10_000, 100_000, 100_000, 400_000]),
      is_rs_peer: r.next() < 0.6,
      operational: r.next() < 0.97,
      created: stamp(r, 2010, 2020),
      updated: stamp(r, 2021, 2025),
      status: 'ok',
    };
  }

  for (let id = 1; id <= size.pocs; id++) {
    const netId = pickNet();
    const net = out.net[netId - 1] as { website: string };
    const domain = net.website.replace('https://www.', '');
    const role = r.weighted(ROLES);
    out.poc.push({
      id,
      net_id: netId,
      role,
      visible: 'Public',
      name: `${role} team`,
      phone: '',
      email: r.next() < 0.97 ? `${role.toLowerCase()}@${domain}` : '',
      url: '',
      created: stamp(r, 2010, 2020),
      updated: stamp(r, 2021, 2025),
      status: 'ok',
    });
  }
  for (let id = 1; id <= size.netfac; id++) {
    const netId = pickNet();
    const fac = out.fac[r.int(0, size.fac - 1)] as {
      id: number;
      name: string;
      city: string;
      country: string;
    };
    const net = out.net[netId - 1] as { asn: number };
    out.netfac.push({
      id,
      net_id: netId,
      fac_id: fac.id,
      local_asn: net.asn,
      name: fac.name,
      city: fac.city,
      country: fac.country,
      created: stamp(r, 2010, 2020),
      updated: stamp(r, 2021, 2025),
      status: 'ok',
    });
  }
  return out;
}

/**
 * What PeeringDB would answer to `?since=` after `percent` of each type changed: updated objects
 * (a new `updated` stamp and a changed field), new objects, and deleted ones (`status: deleted`).
 */
export function changes(base: Records, percent: number, seed: number): Records {
  const r = prng(seed ^ 0x5eed);
  const when = '2026-01-15T12:00:00Z';
  const out = {} as Records;
  for (const [type, records] of Object.entries(base) as [ObjectType, Record<string, unknown>[]][]) {
    const count = Math.round((records.length * percent) / 100);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(count, records.length)) chosen.add(r.int(0, records.length - 1));
    let maxId = records.reduce((m, rec) => Math.max(m, rec.id as number), 0);
    const list: Record<string, unknown>[] = [];
    for (const index of chosen) {
      const record = records[index] as Record<string, unknown>;
      const roll = r.next();
      if (roll < 0.7) list.push(changed(type, record, when, r));
      else if (roll < 0.85) list.push({ ...record, updated: when, status: 'deleted' });
      else {
        maxId += 1;
        list.push({
          ...record,
          id: maxId,
          created: when,
          updated: when,
          ...(type === 'net' ? { asn: 4_200_000_000 + maxId, name: `${record.name} New ${maxId}` } : {}),
          ...(type === 'netixlan' ? { ipaddr4: null, ipaddr6: null } : {}),
        });
      }
    }
    out[type] = list;
  }
  return out;
}

function changed(
  type: ObjectType,
  record: Record<string, unknown>,
  when: string,
  r: Prng,
): Record<string, unknown> {
  const next: Record<string, unknown> = { ...record, updated: when };
  if (type === 'net') next.info_prefixes4 = ((record.info_prefixes4 as number | null) ?? 0) + r.int(1, 50);
  else if (type === 'netixlan') next.speed = (record.speed as number) * 10;
  else if (type === 'poc') next.name = `${record.name} (updated)`;
  else if ('name' in record) next.name = `${record.name} (renamed)`;
  return next;
}

/**
 * Writes records as saved API responses, `<out>/<type>/page-<n>.json`; returns the count per type.
 * With `dataset`, also the file naming the generated set they belong to (`dataset.json`), so that
 * a sync from the folder knows a set of changes continues that set.
 */
export function writeResponses(
  records: Records,
  out: string,
  size: number,
  dataset?: { scale: Scale; seed: number },
): Record<string, number> {
  rmSync(out, { recursive: true, force: true });
  const counts: Record<string, number> = {};
  for (const [type, list] of Object.entries(records) as [ObjectType, unknown[]][]) {
    mkdirSync(join(out, type), { recursive: true });
    const pages = Math.max(1, Math.ceil(list.length / size));
    for (let p = 0; p < pages; p++) {
      const data = list.slice(p * size, (p + 1) * size);
      writeFileSync(join(out, type, `page-${p + 1}.json`), JSON.stringify({ data, meta: {} }));
    }
    counts[type] = list.length;
  }
  if (dataset) writeFileSync(join(out, DATASET_FILE), JSON.stringify({ generated: dataset }));
  return counts;
}
