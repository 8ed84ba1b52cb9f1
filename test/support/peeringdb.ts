import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { folderSource } from '../../shared/peeringdb/sources/folder-source';
import { memorySource } from '../../shared/peeringdb/sources/memory-source';
import type { ObjectType } from '../../shared/peeringdb/records';
import type { SyncReport } from '../../shared/peeringdb/sync';
import { buildPeerRowsAfter, syncPeeringDb } from '../../shared/app/peeringdb-sync';

/** The real PeeringDB responses beside the checkout (never copied into it). */
export const fixturesRoot = path.resolve(
  process.env.PEERINGDB_FIXTURES ?? path.resolve(process.cwd(), '..', 'shared', 'data', 'peeringdb'),
);
export const baselineApi = path.join(
  fixturesRoot,
  'peeringdb-plus-visibility-baseline',
  'beta',
  'anon',
  'api',
);

/**
 * Whether a fixture folder is there (guard tests with `it.skipIf(!hasFixtures)`). Without it the
 * test says SKIPPED loudly; under CI the folder is mandatory, so this throws instead.
 */
export function fixturesAvailable(folder = fixturesRoot): boolean {
  if (existsSync(folder)) return true;
  const message = `PeeringDB fixtures not found at ${folder} (set PEERINGDB_FIXTURES)`;
  if (process.env.CI === 'true') throw new Error(`${message}: they are mandatory under CI`);
  console.warn(`\n*** SKIPPED: ${message} ***\n`);
  return false;
}

export const hasFixtures = fixturesAvailable(baselineApi);

const STAMP = '2024-01-01T00:00:00Z';

/** Fields a record of each type gets when a test does not give them (PeeringDB API names). */
const DEFAULTS: Record<ObjectType, (id: number) => Record<string, unknown>> = {
  org: (id) => ({ name: `Org ${id}`, website: '', city: 'City', country: 'US' }),
  fac: (id) => ({
    org_id: 1,
    name: `Facility ${id}`,
    city: 'City',
    country: 'US',
    region_continent: 'North America',
  }),
  ix: (id) => ({
    org_id: 1,
    name: `Exchange ${id}`,
    name_long: '',
    city: 'City',
    country: 'US',
    region_continent: 'North America',
    media: 'Ethernet',
    website: '',
    tech_email: '',
    policy_email: '',
    proto_unicast: true,
    proto_ipv6: true,
  }),
  ixlan: (id) => ({ ix_id: id, name: '', mtu: 1500 }),
  ixpfx: () => ({ ixlan_id: 1, protocol: 'IPv4', prefix: '192.0.2.0/24', in_dfz: true }),
  ixfac: () => ({ ix_id: 1, fac_id: 1, name: 'Facility', city: 'City', country: 'US' }),
  net: (id) => ({
    org_id: 1,
    asn: 64_512 + id,
    name: `Network ${id}`,
    aka: '',
    name_long: '',
    website: '',
    irr_as_set: '',
    info_traffic: '',
    info_ratio: 'Balanced',
    info_scope: 'Regional',
    info_type: 'NSP',
    info_prefixes4: 100,
    info_prefixes6: 10,
    info_unicast: true,
    info_multicast: false,
    info_ipv6: true,
    looking_glass: '',
    route_server: '',
    notes: '',
    policy_url: '',
    policy_general: 'Open',
    policy_locations: 'Not Required',
    policy_ratio: false,
    policy_contracts: 'Not Required',
  }),
  poc: (id) => ({
    net_id: 1,
    role: 'Policy',
    name: `Contact ${id}`,
    email: `peering${id}@example.net`,
    phone: '',
    url: '',
    visible: 'Public',
  }),
  netfac: () => ({ net_id: 1, fac_id: 1, local_asn: 64_513, name: 'Facility', city: 'City', country: 'US' }),
  netixlan: (id) => ({
    net_id: 1,
    ix_id: 1,
    ixlan_id: 1,
    asn: 64_513,
    ipaddr4: null,
    ipaddr6: null,
    speed: 10_000,
    is_rs_peer: false,
    operational: true,
    notes: `row ${id}`,
  }),
};

/**
 * Runs the real sync (full mode) over hand-built PeeringDB API records. Pass only the fields that
 * matter; the rest get defaults. Types left out are not touched, types given are made to match
 * exactly what is given (a full run deletes what is missing).
 */
export async function syncObjects(
  objects: Partial<Record<ObjectType, object[]>>,
  options: { mode?: 'full' | 'incremental'; peerRows?: boolean } = {},
): Promise<SyncReport> {
  const report = await syncPeeringDb({
    source: memorySource(withDefaults(objects)),
    mode: options.mode ?? 'full',
    trigger: 'test',
  });
  // As every run of the product is followed: the peer rows of the exchanges it changed.
  if (options.peerRows !== false) await buildPeerRowsAfter(report);
  return report;
}

/** The records as PeeringDB's API gives them: the fields given over defaults for the rest. */
function withDefaults(
  objects: Partial<Record<ObjectType, object[]>>,
): Partial<Record<ObjectType, unknown[]>> {
  const records: Partial<Record<ObjectType, unknown[]>> = {};
  for (const [type, list] of Object.entries(objects) as [ObjectType, object[]][]) {
    records[type] = list.map((given) => {
      const id = (given as { id?: number }).id ?? 1;
      return { id, ...DEFAULTS[type](id), created: STAMP, updated: STAMP, status: 'ok', ...given };
    });
  }
  return records;
}

/**
 * A folder of saved API responses (`<type>/page-1.json`) holding the records given, with defaults
 * for the fields left out, in a new temporary folder; returns its path.
 */
export function responsesFolder(objects: Partial<Record<ObjectType, object[]>>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'peerflow-responses-'));
  for (const [type, list] of Object.entries(withDefaults(objects))) {
    mkdirSync(path.join(folder, type));
    writeFileSync(path.join(folder, type, 'page-1.json'), JSON.stringify({ data: list, meta: {} }));
  }
  return folder;
}

/** Syncs the real API responses of the peeringdb-plus baseline. Guard callers with `hasFixtures`. */
export async function syncFixtures(): Promise<SyncReport> {
  if (!existsSync(baselineApi)) throw new Error(`PeeringDB fixtures not found at ${baselineApi}`);
  return syncPeeringDb({ source: folderSource(baselineApi), mode: 'full', trigger: 'test' });
}

/**
 * Exchange 1 as the seed's examples know it: Equinix Ashburn, one LAN on 206.126.236.0/22 and
 * 2001:504:0:2::/64 (prefix ids 1 and 2). Spread its lists into `syncObjects` beside the test's own.
 */
export const ASHBURN = {
  ix: [{ id: 1, name: 'Equinix Ashburn' }],
  ixlan: [{ id: 1, ix_id: 1 }],
  ixpfx: [
    { id: 1, ixlan_id: 1, protocol: 'IPv4', prefix: '206.126.236.0/22' },
    { id: 2, ixlan_id: 1, protocol: 'IPv6', prefix: '2001:504:0:2::/64' },
  ],
};

/** A port of a network on exchange 1's LAN. */
export function ashburnPort(
  id: number,
  netId: number,
  asn: number,
  ipaddr4: string,
  ipaddr6: string | null = null,
) {
  return { id, net_id: netId, ix_id: 1, ixlan_id: 1, asn, ipaddr4, ipaddr6 };
}
