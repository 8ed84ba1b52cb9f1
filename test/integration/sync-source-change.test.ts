import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../local/demo';
import { changes, generate, writeResponses } from '../../scripts/lib/generate';
import { syncPeeringDb } from '../../shared/app/peeringdb-sync';
import { listExchangesRoute } from '../../shared/exchanges/exchanges-routes';
import { getNetworkRoute, listNetworksRoute } from '../../shared/exchanges/networks-routes';
import { peeringDb } from '../../shared/peeringdb/peeringdb-store';
import { folderSource } from '../../shared/peeringdb/sources/folder-source';
import { syncRunsRepository } from '../../shared/peeringdb/sync-runs-store';
import { listPeersRoute } from '../../shared/peers/routes';
import { ourNetworkWarning } from '../../shared/settings/our-network';
import { getSettingsRoute, patchSettingsRoute } from '../../shared/settings/routes';
import { callRoute, userWithRole } from '../support/api';
import { responsesFolder } from '../support/peeringdb';

/**
 * From the demo data to another source, as `npm start` then `npm run sync -- --from ...` do it:
 * the demo set seeded, a folder of changes to that same set applied on top, then a source that
 * is not the demo's, synced in the default (automatic) mode.
 */
const demo = generate('small', 1);
/** Demo network 2 and one of its demo ports (100.64.x) at exchange 1. */
const demoPort = (demo.netixlan as { net_id: number; ix_id: number; ipaddr4: string }[]).find(
  (row) => row.net_id === 2 && row.ix_id === 1,
)!;

/** The other source: exchanges 1 and 2, network 2 is GTT (at exchange 2 only), network 900 is ours. */
const real = responsesFolder({
  ix: [
    { id: 1, name: 'Real Exchange One' },
    { id: 2, name: 'Real Exchange Two' },
  ],
  ixlan: [
    { id: 1, ix_id: 1 },
    { id: 2, ix_id: 2 },
  ],
  ixpfx: [
    { id: 1, ixlan_id: 1, protocol: 'IPv4', prefix: '198.51.100.0/24' },
    { id: 2, ixlan_id: 2, protocol: 'IPv4', prefix: '203.0.113.0/24' },
  ],
  net: [
    { id: 2, asn: 3257, name: 'GTT Communications' },
    { id: 900, asn: 3303, name: 'Swisscom' },
  ],
  poc: [{ id: 5000, net_id: 2, role: 'Policy', email: 'peering@gtt.example' }],
  netixlan: [
    { id: 7000, net_id: 2, ix_id: 2, ixlan_id: 2, asn: 3257, ipaddr4: '203.0.113.10' },
    { id: 7001, net_id: 900, ix_id: 2, ixlan_id: 2, asn: 3303, ipaddr4: '203.0.113.20' },
  ],
});

let viewer = '';
let admin = '';

beforeAll(async () => {
  const seeded = await seedDemoData();
  await seeded.done;
  viewer = (await userWithRole('viewer')).token;
  admin = (await userWithRole('admin')).token;
}, 120_000);

describe('the data present records its source', () => {
  it('continues the demo set with a folder of its own changes (an incremental run)', async () => {
    const settings = await callRoute(getSettingsRoute, { token: viewer });
    expect(settings.json.our_network).toEqual({ found: true, name: (demo.net[0] as { name: string }).name });

    const folder = mkdtempSync(path.join(tmpdir(), 'peerflow-changes-'));
    writeResponses(changes(demo, 1, 1), folder, 1000, { scale: 'small', seed: 1 });
    const report = await syncPeeringDb({ source: folderSource(folder), trigger: 'test' });
    expect(report).toMatchObject({ status: 'succeeded', mode: 'incremental' });
    expect(report.mode_reason).toBe('changes since the last run from the generated small set (seed 1)');
    expect(report.types.net?.deleted).toBeLessThan(10);
    expect(await peeringDb.findPresencesByIp(demoPort.ipaddr4)).not.toEqual([]);
  }, 60_000);

  it('replaces the demo data when another source is synced in automatic mode', async () => {
    const report = await syncPeeringDb({ source: folderSource(real), trigger: 'test' });
    expect(report).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(report.mode_reason).toBe(
      `source changed from the generated small set (seed 1) to folder ${path.basename(real)}`,
    );
    // A type the new source has nothing of is emptied too.
    expect(report.types.ixfac).toMatchObject({ fetched: 0, complete: true });
    expect(report.types.ixfac?.deleted).toBeGreaterThan(0);

    const networks = await callRoute(listNetworksRoute, { token: viewer, query: { limit: 100 } });
    expect(networks.json.data.map((n) => [n.participant_id, n.asn])).toEqual([
      [2, 3257],
      [900, 3303],
    ]);
    const exchanges = await callRoute(listExchangesRoute, { token: viewer, query: { limit: 100 } });
    expect(exchanges.json.data.map((x) => x.public_id).sort()).toEqual([1, 2]);

    // GTT's ports and contacts are the new source's only: no demo IP, no demo contact.
    const gtt = await callRoute(getNetworkRoute, { token: viewer, params: { participant_id: 2 } });
    expect(gtt.json.exchanges.map((x) => [x.public_id, x.ipaddr4])).toEqual([[2, '203.0.113.10']]);
    expect(gtt.json.contacts.map((c) => c.email)).toEqual(['peering@gtt.example']);
    expect(await peeringDb.findPresencesByIp(demoPort.ipaddr4)).toEqual([]);
    const atOne = await callRoute(listPeersRoute, { token: viewer, params: { public_id: 1 } });
    expect(atOne.json.data).toEqual([]);
    const atTwo = await callRoute(listPeersRoute, {
      token: viewer,
      params: { public_id: 2 },
      query: { include_public_ips: 'true', include_contacts: 'true' },
    });
    expect(
      atTwo.json.data.map((p) => [
        p.id,
        p.public_ips?.map((ip) => ip.ipaddr4),
        p.contacts?.map((c) => c.email),
      ]),
    ).toEqual([
      [2, ['203.0.113.10'], ['peering@gtt.example']],
      [900, ['203.0.113.20'], []],
    ]);
  });

  it('says when our network is not in the new data, until the settings name it', async () => {
    // The settings still name the demo's network 1 (AS30483).
    const before = await callRoute(getSettingsRoute, { token: viewer });
    expect(before.json.our_network).toEqual({
      found: false,
      reason: 'PeeringDB has no network 1: set source_asn and source_participant_id with PATCH /settings',
    });
    expect(await ourNetworkWarning()).toBe(
      'warning: our network is not in the PeeringDB data: PeeringDB has no network 1: set source_asn and source_participant_id with PATCH /settings',
    );

    const fixed = await callRoute(patchSettingsRoute, { token: admin, body: { source_asn: 3303 } });
    expect(fixed.json).toMatchObject({
      source_asn: 3303,
      source_participant_id: 900,
      our_network: { found: true, name: 'Swisscom' },
    });
    expect((await callRoute(getSettingsRoute, { token: viewer })).json.our_network).toEqual({
      found: true,
      name: 'Swisscom',
    });
    expect(await ourNetworkWarning()).toBeNull();
  });

  it('runs incrementally from the same source again, writing nothing', async () => {
    const report = await syncPeeringDb({ source: folderSource(real), trigger: 'test' });
    expect(report).toMatchObject({
      status: 'succeeded',
      mode: 'incremental',
      writes: { source: 0, derived: 0 },
    });
  });

  it('runs full when the source of the data present is not known (data synced before it was kept)', async () => {
    await syncRunsRepository.saveCursors(await syncRunsRepository.cursors(), null);
    const report = await syncPeeringDb({ source: folderSource(real), trigger: 'test' });
    expect(report).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect(report.mode_reason).toMatch(/^the source of the data present is not known/);
    const again = await syncPeeringDb({ source: folderSource(real), trigger: 'test' });
    expect(again.mode).toBe('incremental');
  });
});
