import { asSetRef, expandAsSets, IrrConnection } from '../shared/irr';
import { bgpq4List, haveBgpq4 } from '../test/support/bgpq4';
import { generateIrr } from '../test/support/irr-data';
import { startIrrServer } from '../test/support/irr-server';
import { type BenchRow, formatNumber, median, paired, rounds } from './harness';

/**
 * The prefix lists of 100 peers (about 50,000 prefixes in all, a third IPv6) built from a local
 * IRRd-protocol server on loopback, the way a refresh builds them: one kept connection, each peer's
 * AS-SET expanded by the server, then the routes of every member AS, both families. Against bgpq4
 * run for the same AS-SETs against the same server in the same round (`-j -4`, then `-j -6`, one
 * after the other, as an operator's script runs it). Both sides give the same lists (checked here
 * once, and in test/integration/irr-bgpq4.test.ts).
 */
const MAX_RATIO = 1.2;
const PEERS = 100;
const PREFIXES_PER_PEER = 390;
const SOURCES = 'RADB,RIPE';

export async function irrPrefixLists(): Promise<BenchRow[]> {
  if (!haveBgpq4) {
    return [
      { benchmark: 'irr', subject: 'skipped', figure: 'bgpq4 is not installed (apt-get install bgpq4)' },
    ];
  }
  const generated = generateIrr(11, PEERS, PREFIXES_PER_PEER);
  const server = await startIrrServer(generated.data);
  try {
    const ours = async () => {
      const conn = await IrrConnection.open({
        host: server.host,
        port: server.port,
        timeoutMs: 10_000,
        maxAnswerBytes: 1 << 26,
      });
      let prefixes = 0;
      try {
        for (const peer of generated.peers) {
          const out = await expandAsSets(conn, [asSetRef(peer.asSet)], {
            sources: SOURCES,
            aggregate: false,
            maxPrefixes: 1_000_000,
            maxAsns: 100_000,
          });
          if (out.outcome !== 'ok') throw new Error(out.message);
          prefixes += out.ipv4.length + out.ipv6.length;
        }
      } finally {
        conn.close();
      }
      return prefixes;
    };
    const theirs = async () => {
      let prefixes = 0;
      for (const peer of generated.peers) {
        prefixes += (await bgpq4List(server, SOURCES, 4, peer.asSet, false)).length;
        prefixes += (await bgpq4List(server, SOURCES, 6, peer.asSet, false)).length;
      }
      return prefixes;
    };
    const total = await ours();
    const check = await theirs();
    if (total !== check) throw new Error(`the lists differ: ${total} prefixes against bgpq4's ${check}`);

    const timed = (f: () => Promise<number>) => async () => {
      const start = performance.now();
      await f();
      return performance.now() - start;
    };
    const samples = await paired(timed(theirs), { ours: timed(ours) }, rounds(5));
    const ratio = median(samples.ours.ratios);
    const oursMs = median(samples.ours.subject);
    return [
      {
        benchmark: 'irr',
        subject: `prefix lists of ${PEERS} peers (${formatNumber(total)} prefixes), local IRR server`,
        figure: `${formatNumber(oursMs)} ms`,
        baseline: `${formatNumber(median(samples.ours.baseline))} ms (bgpq4 -j -4 and -6 per AS-SET)`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: ratio <= MAX_RATIO,
      },
      {
        benchmark: 'irr',
        subject: 'a daily refresh of 1,000 peers, estimated',
        figure: `${formatNumber((oursMs * 10) / 1000, 1)} s of IRR queries on one connection at this size (the job runs four at once; a remote server adds its round trips)`,
      },
    ];
  } finally {
    await server.close();
  }
}
