import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderSource } from '../../shared/peeringdb/sources/folder-source';
import { memorySource } from '../../shared/peeringdb/sources/memory-source';
import type { ObjectType } from '../../shared/peeringdb/records';
import { syncPeeringDb } from '../../shared/app/peeringdb-sync';
import { peeringDb } from '../../shared/peeringdb/peeringdb-store';
import { fixturesAvailable, fixturesRoot } from '../support/peeringdb';

/**
 * Three successive full snapshots of PeeringDB's ix, ixlan and ixpfx tables (2018). SOURCES.md of
 * the fixtures counts, by id, what was added, removed and changed between them.
 */
const folder = path.join(fixturesRoot, 'papageno-2018');
const hasSnapshots = fixturesAvailable(folder);
const TYPES = ['ix', 'ixlan', 'ixpfx'] as const satisfies readonly ObjectType[];

type Row = { id: number; status?: string };
const snapshot = (date: string, type: string): Row[] =>
  JSON.parse(readFileSync(path.join(folder, date, `${type}.json`), 'utf8')).data;

/** What PeeringDB answers to `?since=`: the changed and new objects, and the removed ones as deleted. */
function changesBetween(from: string, to: string): Partial<Record<ObjectType, unknown[]>> {
  const out: Partial<Record<ObjectType, unknown[]>> = {};
  for (const type of TYPES) {
    const before = new Map(snapshot(from, type).map((r) => [r.id, r]));
    const after = snapshot(to, type);
    const afterIds = new Set(after.map((r) => r.id));
    out[type] = [
      ...after.filter((r) => JSON.stringify(r) !== JSON.stringify(before.get(r.id))),
      ...[...before.values()].filter((r) => !afterIds.has(r.id)).map((r) => ({ ...r, status: 'deleted' })),
    ];
  }
  return out;
}

const counts = (report: Awaited<ReturnType<typeof syncPeeringDb>>) =>
  Object.fromEntries(
    TYPES.map((t) => {
      const r = report.types[t];
      return [t, [r?.added, r?.deleted, r?.changed]];
    }),
  );

describe('incremental sync over the 2018 snapshots', () => {
  it.skipIf(!hasSnapshots)(
    'reports exactly the added, removed and changed objects of each step',
    async () => {
      const first = await syncPeeringDb({
        source: folderSource(path.join(folder, '2018-05-09')),
        mode: 'full',
      });
      expect(first.status).toBe('succeeded');
      expect(counts(first)).toEqual({ ix: [634, 0, 0], ixlan: [646, 0, 0], ixpfx: [1162, 0, 0] });

      const step1 = await syncPeeringDb({
        source: memorySource(changesBetween('2018-05-09', '2018-06-02')),
        mode: 'incremental',
      });
      expect(step1.status).toBe('succeeded');
      expect(counts(step1)).toEqual({ ix: [8, 1, 41], ixlan: [6, 1, 11], ixpfx: [9, 2, 2] });

      const step2 = await syncPeeringDb({
        source: memorySource(changesBetween('2018-06-02', '2018-07-01')),
        mode: 'incremental',
      });
      expect(counts(step2)).toEqual({ ix: [3, 0, 15], ixlan: [4, 1, 6], ixpfx: [6, 2, 3] });
      expect(step2.writes.source).toBe(3 + 15 + 4 + 1 + 6 + 6 + 2 + 3);

      // The stored tables now equal the last snapshot: a full run over it has nothing to do.
      const check = await syncPeeringDb({
        source: folderSource(path.join(folder, '2018-07-01')),
        mode: 'full',
      });
      expect(check.writes).toEqual({ source: 0, derived: 0 });
      expect(counts(check)).toEqual({ ix: [0, 0, 0], ixlan: [0, 0, 0], ixpfx: [0, 0, 0] });
      expect(check.types.ix?.unchanged).toBe(644);
    },
  );

  it.skipIf(!hasSnapshots)('finds in a full run the deletions an incremental run never saw', async () => {
    await syncPeeringDb({ source: folderSource(path.join(folder, '2018-06-02')), mode: 'full' });
    const full = await syncPeeringDb({ source: folderSource(path.join(folder, '2018-07-01')), mode: 'full' });
    expect(counts(full)).toEqual({ ix: [3, 0, 15], ixlan: [4, 1, 6], ixpfx: [6, 2, 3] });
    const ix = await peeringDb.getExchange(1);
    expect(ix?.name).toBe('Equinix Ashburn');
    expect((await peeringDb.getExchangePrefixes(1)).length).toBeGreaterThan(0);
  });
});
