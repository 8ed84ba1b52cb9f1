import type { AsSetRef } from './as-set-names';
import { type IrrAnswer, type IrrConnection, IrrProtocolError } from './irr-client';
import { PrefixTree } from './prefix-tree';
import { parsePrefix } from './prefixes';

export interface ExpandOptions {
  /** The `!s` list: registries in the order the server should search them (`RADB,RIPE`). */
  sources: string;
  /** Merge neighbouring prefixes into ranges, as bgpq4 `-A`. */
  aggregate: boolean;
  /** More prefixes than this (IPv4 and IPv6 together, before aggregation) refuses the list. */
  maxPrefixes: number;
  /** More member ASNs than this refuses the list. */
  maxAsns: number;
}

export type Expansion =
  | {
      outcome: 'ok';
      ipv4: string[];
      ipv6: string[];
      asns: number;
      /** What the lists leave out and why: sets the registries do not have. */
      notes: string[];
    }
  | { outcome: 'too_large'; message: string; asns: number; prefixes: number };

/** The ASNs bgpq4 leaves out of an expansion: documentation, private and reserved ranges (RFC 5398, 6996, 7300). */
export function expandableAsn(asn: number): boolean {
  return !(asn >= 4_200_000_000 || (asn >= 64_496 && asn <= 65_551));
}

function dataOf(answer: IrrAnswer, query: string): string {
  if (answer.kind === 'data') return answer.text;
  if (answer.kind === 'error') throw new IrrProtocolError(`IRR server refused ${query}: ${answer.message}`);
  return '';
}

const ASN_TOKEN = /^AS(\d{1,10})$/i;
const isSetName = (t: string) => /^AS-/i.test(t) || t.includes('-') || t.includes(':');

/**
 * The prefix lists of some AS-SETs (and AS numbers), queried the way bgpq4 queries them: each set
 * expanded recursively by the server (`!i<set>,1`), a set named with its registry (`RIPE::AS-FOO`)
 * read from that registry (`!s`, then `!i<set>`) and its nested sets from the configured sources,
 * then the routes each member AS originates (`!gas<n>` for IPv4, `!6as<n>` for IPv6).
 */
export async function expandAsSets(
  conn: IrrConnection,
  refs: readonly AsSetRef[],
  options: ExpandOptions,
): Promise<Expansion> {
  const restore = `!s${options.sources}`;
  const [sources] = await conn.query([restore]);
  if (sources!.kind !== 'empty') {
    const why = sources!.kind === 'error' ? sources!.message : 'an unexpected answer';
    throw new IrrProtocolError(`IRR server refused the sources ${options.sources}: ${why}`);
  }

  const asns = new Set<number>();
  const notes: string[] = [];
  const addMember = (token: string, nested: string[]) => {
    const m = ASN_TOKEN.exec(token);
    if (m) {
      const asn = Number(m[1]);
      if (asn <= 4_294_967_295 && expandableAsn(asn)) asns.add(asn);
    } else if (isSetName(token)) nested.push(token);
  };

  const recursive: string[] = [];
  for (const ref of refs) {
    if (ref.isAsn) addMember(ref.name, []);
    else if (!ref.source) recursive.push(ref.name);
    else {
      const query = `!i${ref.name}`;
      const [picked, members, back] = await conn.query([`!s${ref.source}`, query, restore]);
      if (picked!.kind !== 'empty') {
        throw new IrrProtocolError(
          `IRR server does not know the source ${ref.source} (named by ${ref.source}::${ref.name})`,
        );
      }
      if (back!.kind !== 'empty')
        throw new IrrProtocolError(`IRR server refused the sources ${options.sources}`);
      if (members!.kind === 'not-found') notes.push(`${ref.source}::${ref.name} is not in ${ref.source}`);
      const nested: string[] = [];
      for (const token of dataOf(members!, query).split(/\s+/)) if (token) addMember(token, nested);
      recursive.push(...nested.filter((n) => n.toUpperCase() !== ref.name));
    }
  }
  const unique = [...new Set(recursive.map((n) => n.toUpperCase()))];
  if (unique.length > 0) {
    const queries = unique.map((n) => `!i${n},1`);
    const answers = await conn.query(queries);
    answers.forEach((answer, i) => {
      if (answer.kind === 'not-found' && refs.some((r) => !r.source && r.name === unique[i])) {
        notes.push(`${unique[i]} is not in ${options.sources}`);
      }
      for (const token of dataOf(answer, queries[i]!).split(/\s+/)) if (token) addMember(token, []);
    });
  }

  if (asns.size > options.maxAsns) {
    return {
      outcome: 'too_large',
      message: `the AS-SET has ${asns.size} member ASNs, over the limit of ${options.maxAsns}`,
      asns: asns.size,
      prefixes: 0,
    };
  }

  const sorted = [...asns].sort((a, b) => a - b);
  const v4 = new PrefixTree(4);
  const v6 = new PrefixTree(6);
  const queries = [...sorted.map((a) => `!gas${a}`), ...sorted.map((a) => `!6as${a}`)];
  const answers = queries.length > 0 ? await conn.query(queries) : [];
  for (let i = 0; i < answers.length; i++) {
    const tree = i < sorted.length ? v4 : v6;
    for (const token of dataOf(answers[i]!, queries[i]!).split(/\s+/)) {
      if (!token) continue;
      const prefix = parsePrefix(token);
      if (prefix) tree.insert(prefix);
    }
    if (v4.size + v6.size > options.maxPrefixes) {
      return {
        outcome: 'too_large',
        message: `the AS-SET holds more than ${options.maxPrefixes} prefixes (the limit)`,
        asns: asns.size,
        prefixes: v4.size + v6.size,
      };
    }
  }
  if (options.aggregate) {
    v4.aggregate();
    v6.aggregate();
  }
  return { outcome: 'ok', ipv4: v4.entries(), ipv6: v6.entries(), asns: asns.size, notes };
}
