import { describe, expect, it } from 'vitest';
import { changes, generate } from '../../scripts/lib/generate';
import { normalizeIp } from '../../shared/kernel';
import { OBJECT_TYPES, parseRecord } from '../../shared/peeringdb/records';

const small = generate('small', 7);

function inPrefix(ip: string, prefix: string): boolean {
  const [base, bits] = prefix.split('/') as [string, string];
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}

describe('the data generator', () => {
  it('gives the same data for the same seed and other data for another', () => {
    expect(generate('small', 7)).toEqual(small);
    expect(generate('small', 8).net[0]).not.toEqual(small.net[0]);
  });

  it('writes records every one of which the sync accepts', () => {
    for (const type of OBJECT_TYPES) {
      expect(small[type].length).toBeGreaterThan(0);
      const bad = small[type].map((r) => parseRecord(type, r)).filter((p) => !p.ok);
      expect(bad).toEqual([]);
    }
  });

  it('keeps ids, ASNs, names and exchange addresses unique, and addresses inside the exchange prefixes', () => {
    const unique = (values: unknown[]) => new Set(values).size === values.length;
    expect(unique(small.net.map((n) => n.asn))).toBe(true);
    expect(unique(small.net.map((n) => n.name))).toBe(true);
    expect(unique(small.netixlan.map((r) => r.id))).toBe(true);
    const v4 = small.netixlan.map((r) => r.ipaddr4).filter(Boolean);
    expect(unique(v4)).toBe(true);
    const prefixOf = new Map(
      small.ixpfx.filter((p) => p.protocol === 'IPv4').map((p) => [p.ixlan_id, p.prefix as string]),
    );
    for (const row of small.netixlan) {
      if (row.ipaddr4)
        expect(inPrefix(row.ipaddr4 as string, prefixOf.get(row.ixlan_id as number) as string)).toBe(true);
      if (row.ipaddr6) expect(normalizeIp(row.ipaddr6 as string)).toBe(row.ipaddr6);
    }
  });

  it('makes a few exchanges big and most small', () => {
    const perIx = new Map<number, number>();
    for (const row of small.netixlan)
      perIx.set(row.ix_id as number, (perIx.get(row.ix_id as number) ?? 0) + 1);
    const sizes = [...perIx.values()].sort((a, b) => b - a);
    const median = sizes[Math.floor(sizes.length / 2)] as number;
    expect(sizes[0]).toBeGreaterThan(5 * median);
  });

  it('writes a change set of about the share asked: updates, new objects and deletions', () => {
    const set = changes(small, 10, 7);
    const nets = set.net;
    expect(nets.length).toBe(Math.round(small.net.length / 10));
    const known = new Set(small.net.map((n) => n.id));
    expect(nets.some((n) => n.status === 'deleted')).toBe(true);
    expect(nets.some((n) => !known.has(n.id as number))).toBe(true);
    expect(nets.some((n) => n.status === 'ok' && known.has(n.id as number))).toBe(true);
    expect(changes(small, 10, 7)).toEqual(set);
  });
});
