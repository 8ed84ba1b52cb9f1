import type { IrrObjects } from './irr-server';

/** A small deterministic generator (mulberry32), so a failing case can be made again from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedPeer {
  asn: number;
  asSet: string;
  prefixes: number;
}

/**
 * IRR objects for `peers` networks, about `prefixesPerPeer` routes each (a third IPv6): each peer's
 * AS-SET holds its own AS, two to four customer ASes and a nested customer set; some sets name
 * another peer's set (loops included), a set that does not exist, or a documentation ASN. Routes
 * come in runs of neighbours, so aggregation has something to merge.
 */
export function generateIrr(
  seed: number,
  peers: number,
  prefixesPerPeer: number,
): {
  data: Record<string, IrrObjects>;
  peers: GeneratedPeer[];
} {
  const rand = random(seed);
  const pick = (n: number) => Math.floor(rand() * n);
  const radb: IrrObjects = { routes: [], asSets: {}, autNums: [] };
  const ripe: IrrObjects = { routes: [], asSets: {}, autNums: [] };
  const out: GeneratedPeer[] = [];
  let nextAsn = 100_000 + seed * 10_000;
  let v4 = 0x0b000000 + seed * 0x100000; // 11.0.0.0 onwards: unique blocks per run
  let v6 = 1 + seed * 5000;
  for (let p = 0; p < peers; p++) {
    const own = nextAsn++;
    const customers = Array.from({ length: 2 + pick(3) }, () => nextAsn++);
    const nestedName = `AS-P${p}-CUST`;
    const setName = `AS-P${p}`;
    const members = [`AS${own}`, nestedName];
    if (pick(4) === 0) members.push(`AS-MISSING-${p}`);
    if (pick(5) === 0 && p > 0) members.push(`AS-P${pick(p)}`);
    if (pick(6) === 0) members.push('AS64500');
    const where = pick(3) === 0 ? ripe : radb;
    where.asSets[setName] = members;
    radb.asSets[nestedName] = [...customers.map((c) => `AS${c}`), ...(pick(5) === 0 ? [setName] : [])];
    const origins = [own, ...customers];
    radb.autNums!.push(...origins);
    let made = 0;
    while (made < prefixesPerPeer) {
      const origin = origins[pick(origins.length)]!;
      const run = 1 + pick(8);
      if (pick(3) === 0) {
        for (let i = 0; i < run && made < prefixesPerPeer; i++, made++) {
          const block = v6++;
          radb.routes.push({
            prefix: `2a0${(block >> 16) & 7}:${(block & 0xffff).toString(16)}::/${pick(4) === 0 ? 47 : 48}`,
            origin,
          });
        }
      } else {
        const length = 20 + pick(5);
        const size = 2 ** (32 - length);
        v4 = Math.ceil(v4 / size) * size;
        for (let i = 0; i < run && made < prefixesPerPeer; i++, made++) {
          const a = v4;
          v4 += size;
          const text = `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${length}`;
          radb.routes.push({ prefix: text, origin });
          // Some routes come with their more-specifics, as real registries hold them.
          if (pick(4) === 0 && length < 24) {
            radb.routes.push({
              prefix: `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.0/${length + 1}`,
              origin,
            });
          }
        }
      }
    }
    out.push({ asn: own, asSet: where === ripe ? `RIPE::${setName}` : setName, prefixes: made });
  }
  return { data: { RADB: radb, RIPE: ripe }, peers: out };
}
