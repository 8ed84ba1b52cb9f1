import { describe, expect, it } from 'vitest';
import { peeringDb } from '../../shared/storage/peeringdb-repository';
import { hasFixtures, syncFixtures } from '../support/peeringdb';

describe('sync of the real PeeringDB responses', () => {
  it.skipIf(!hasFixtures)('stores every type, then finds nothing to do on a second run', async () => {
    const first = await syncFixtures();
    expect(first.status).toBe('succeeded');
    const counts = Object.fromEntries(Object.entries(first.types).map(([type, r]) => [type, r?.added]));
    expect(counts).toEqual({
      org: 500,
      fac: 500,
      ix: 500,
      ixlan: 500,
      ixpfx: 500,
      ixfac: 500,
      net: 500,
      poc: 40,
      netfac: 500,
      netixlan: 500,
    });
    for (const r of Object.values(first.types))
      expect(r).toMatchObject({ invalid: 0, complete: true, error: null });

    const ix1 = await peeringDb.getExchange(1);
    expect(ix1?.name).toBe('Equinix Ashburn');
    const decix = await peeringDb.allExchangeMembers(31);
    const rows = decix.flatMap((m) => m.presences);
    expect(rows.every((r) => r.ix_id === 31)).toBe(true);
    expect(rows.filter((r) => r.ipaddr4 && r.ipaddr6).length).toBeGreaterThan(0);

    const second = await syncFixtures();
    expect(second.status).toBe('succeeded');
    expect(second.writes).toEqual({ source: 0, derived: 0 });
    for (const r of Object.values(second.types)) {
      expect(r).toMatchObject({ added: 0, changed: 0, deleted: 0 });
    }
    expect(first.writes.derived).toBeGreaterThan(0);
  });
});
