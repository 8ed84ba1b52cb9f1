import { describe, expect, it } from 'vitest';
import { SyncBusyError, syncRunsRepository } from '../../shared/peeringdb/sync-runs-store';
import { syncObjects } from '../support/peeringdb';

const now = () => Math.floor(Date.now() / 1000);

describe('a run that died holding the lease', () => {
  it('blocks the next run until the local runtime lets the lease lapse; the next run then closes its report', async () => {
    const dead = crypto.randomUUID();
    await syncRunsRepository.save({
      id: dead,
      mode: 'full',
      trigger: 'demo',
      source: 'generated demo set',
      status: 'running',
      started: new Date().toISOString(),
      finished: null,
      duration_ms: null,
      error: null,
      types: {},
      members: { written: 0, deleted: 0, unchanged: 0 },
      writes: { source: 0, derived: 0 },
      invalid_samples: [],
    });
    expect(await syncRunsRepository.acquireLease(dead, 16 * 60, now())).toBeNull();

    await expect(syncObjects({ ix: [{ id: 1 }] })).rejects.toBeInstanceOf(SyncBusyError);

    await syncRunsRepository.expireLease();
    const report = await syncObjects({ ix: [{ id: 1 }] });
    expect(report.status).toBe('succeeded');
    const closed = await syncRunsRepository.get(dead);
    expect(closed).toMatchObject({ status: 'failed' });
    expect(closed?.error).toMatch(/interrupted/);
  });

  it('changes nothing when no lease is held', async () => {
    await syncRunsRepository.expireLease();
    expect(await syncRunsRepository.leaseHolder(now())).toBeNull();
  });
});
