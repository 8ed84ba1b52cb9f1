import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { peeringDb } from '../../shared/peeringdb/peeringdb-store';
import { baselineApi, hasFixtures, syncFixtures } from '../support/peeringdb';

type Row = { id: number; ix_id?: number; net_id: number; ipaddr4: string | null; ipaddr6: string | null };
const pages = (type: string): Row[] =>
  readdirSync(path.join(baselineApi, type)).flatMap(
    (file) => JSON.parse(readFileSync(path.join(baselineApi, type, file), 'utf8')).data as Row[],
  );

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
    // DE-CIX Frankfurt: its 70 netixlan rows are all stored, with both addresses; those of
    // networks in the subset are its members.
    const raw = pages('netixlan').filter((r) => r.ix_id === 31);
    expect(raw).toHaveLength(70);
    const netIds = new Set(pages('net').map((n) => n.id));
    const decix = await peeringDb.allExchangeMembers(31);
    const stored = decix.flatMap((m) => m.presences).sort((a, b) => a.id - b.id);
    const expected = raw.filter((r) => netIds.has(r.net_id));
    expect(stored.map((r) => [r.id, r.ipaddr4, r.ipaddr6])).toEqual(
      expected.map((r) => [r.id, r.ipaddr4, r.ipaddr6]).sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    expect(stored.filter((r) => r.ipaddr4 && r.ipaddr6).length).toBeGreaterThan(0);
    const one = raw[0] as { ipaddr4: string; id: number };
    expect((await peeringDb.findPresencesByIp(one.ipaddr4)).map((r) => r.id)).toEqual([one.id]);

    const second = await syncFixtures();
    expect(second.status).toBe('succeeded');
    expect(second.writes).toEqual({ source: 0, derived: 0 });
    for (const r of Object.values(second.types)) {
      expect(r).toMatchObject({ added: 0, changed: 0, deleted: 0 });
    }
    expect(first.writes.derived).toBeGreaterThan(0);
  });
});
