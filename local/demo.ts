import { generate } from '../scripts/lib/generate';
import { putSettings, settingsRepository } from '../shared/settings';
import { logger } from '../shared/platform/logger';
import { generatedSetIdentity, memorySource, syncRunsRepository } from '../shared/peeringdb';
import { buildPeerRowsAfter, syncPeeringDb } from '../shared/app/peeringdb-sync';

const DEMO_SEED = 1;

/**
 * Demo data for `npm start`: the generated small PeeringDB set, synced through the same code as a
 * real sync, on the first start only (while no sync has ever completed, so a seed cut short by
 * Ctrl-C is done again). The run goes on in the background: the engine's on-disk mode writes a few
 * hundred items a second, and the API must not wait for it. Follow it at GET /sync/runs; `done`
 * settles when it is over (at once when the data was already there).
 */
export async function seedDemoData(): Promise<{ message: string; done: Promise<unknown> }> {
  const cursors = await syncRunsRepository.cursors();
  if (Object.keys(cursors).length > 0)
    return {
      message: 'PeeringDB data already there (npm start -- --reset to seed again)',
      done: Promise.resolve(),
    };
  const { org: _org, fac: _fac, netfac: _netfac, ...records } = generate('small', DEMO_SEED);
  if (!(await settingsRepository.get())) {
    const own = records.net[0] as { id: number; asn: number };
    await putSettings(
      {
        source_asn: own.asn,
        source_participant_id: own.id,
        company_name: 'Demo Operator',
        email_from: 'peering@demo-operator.example',
      },
      { email: 'demo-seed' },
    );
  }
  const run = syncPeeringDb({
    source: memorySource(records, 'generated demo set', generatedSetIdentity('small', DEMO_SEED)),
    mode: 'full',
    trigger: 'demo',
  }).then(async (report) => {
    await buildPeerRowsAfter(report);
    return report;
  });
  const done = run.then(
    (report) => console.log(`demo data: sync run ${report.id} ${report.status} in ${report.duration_ms} ms`),
    (err) => logger.error('demo data sync failed', { error: (err as Error).message }),
  );
  return {
    message: `seeding ${records.ix.length} exchanges and ${records.net.length} networks in the background (GET /sync/runs)`,
    done,
  };
}
