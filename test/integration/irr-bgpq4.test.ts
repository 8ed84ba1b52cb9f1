import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSetRef } from '../../shared/irr/as-set-names';
import { expandAsSets } from '../../shared/irr/expand';
import { IrrConnection } from '../../shared/irr/irr-client';
import { bgpq4List, haveBgpq4 } from '../support/bgpq4';
import { generateIrr } from '../support/irr-data';
import { type IrrServer, startIrrServer, type IrrObjects } from '../support/irr-server';

/**
 * peerflow's lists equal bgpq4's `-j` output for the same objects, served by the same local IRRd-protocol
 * server: nested sets, loops, missing members, IPv4 and IPv6, with and without aggregation.
 */
const mustRun = process.env.CI === 'true';
const reason = 'bgpq4 is not installed (apt-get install bgpq4)';
if (!haveBgpq4 && mustRun) throw new Error(`CI=true and ${reason}`);

const SOURCES = 'RADB,RIPE';

const handMade: Record<string, IrrObjects> = {
  RADB: {
    routes: [
      { prefix: '192.0.2.0/25', origin: 65000 }, // documentation ASN: left out, as bgpq4 does
      { prefix: '10.0.0.0/24', origin: 1 },
      { prefix: '10.0.1.0/24', origin: 1 },
      { prefix: '10.0.2.0/24', origin: 2 },
      { prefix: '10.0.3.0/24', origin: 3 },
      { prefix: '10.0.0.0/23', origin: 3 },
      { prefix: '10.0.0.0/22', origin: 2 },
      { prefix: '10.0.4.0/23', origin: 2 },
      { prefix: '10.0.6.0/23', origin: 1 },
      { prefix: '10.0.6.1/23', origin: 1 }, // host bits set: read as 10.0.6.0/23
      { prefix: '172.16.0.0/12', origin: 4 },
      { prefix: '2001:db8::/32', origin: 1 },
      { prefix: '2001:db8:1::/48', origin: 2 },
      { prefix: '2001:db8::/48', origin: 3 },
      { prefix: '::ffff:0:0/96', origin: 3 },
      { prefix: '::102:304/128', origin: 3 },
      { prefix: 'not-a-prefix', origin: 1 },
    ],
    asSets: {
      'AS-TOP': ['AS1', 'AS-MID', 'AS-NOWHERE', 'AS65000'],
      'AS-MID': ['AS2', 'AS-LOOP'],
      'AS-LOOP': ['AS3', 'AS-MID', 'AS-TOP'],
      'AS-EMPTY': [],
      'AS1:AS-CUSTOMERS': ['AS4'],
    },
  },
  RIPE: {
    routes: [{ prefix: '198.51.100.0/24', origin: 5 }],
    asSets: { 'AS-RIPEONLY': ['AS5', 'AS-MID'] },
  },
};

describe.skipIf(!haveBgpq4)('IRR prefix lists equal bgpq4 -j', () => {
  let server: IrrServer;
  let generated: ReturnType<typeof generateIrr>;
  beforeAll(async () => {
    generated = generateIrr(7, 25, 40);
    const data: Record<string, IrrObjects> = {
      RADB: {
        routes: [...handMade.RADB!.routes, ...generated.data.RADB!.routes],
        asSets: { ...handMade.RADB!.asSets, ...generated.data.RADB!.asSets },
      },
      RIPE: {
        routes: [...handMade.RIPE!.routes, ...generated.data.RIPE!.routes],
        asSets: { ...handMade.RIPE!.asSets, ...generated.data.RIPE!.asSets },
      },
    };
    server = await startIrrServer(data);
  });
  afterAll(() => server?.close());

  async function ours(name: string, aggregate: boolean) {
    const conn = await IrrConnection.open({ ...server, timeoutMs: 5000, maxAnswerBytes: 1 << 24 });
    try {
      const out = await expandAsSets(conn, [asSetRef(name)], {
        sources: SOURCES,
        aggregate,
        maxPrefixes: 1_000_000,
        maxAsns: 100_000,
      });
      if (out.outcome !== 'ok') throw new Error(out.message);
      return out;
    } finally {
      conn.close();
    }
  }

  const cases = [
    'AS-TOP',
    'AS-MID',
    'AS-LOOP',
    'AS-EMPTY',
    'AS-NOWHERE',
    'AS1:AS-CUSTOMERS',
    'AS2',
    'RIPE::AS-RIPEONLY',
  ];
  for (const aggregate of [false, true]) {
    for (const name of cases) {
      it(`${name}${aggregate ? ' aggregated' : ''}`, async () => {
        const mine = await ours(name, aggregate);
        expect(mine.ipv4).toEqual(await bgpq4List(server, SOURCES, 4, name, aggregate));
        expect(mine.ipv6).toEqual(await bgpq4List(server, SOURCES, 6, name, aggregate));
      });
    }
  }

  it('the hand-made top set has what the objects say: nested and looping members, a missing one left out', async () => {
    const mine = await ours('AS-TOP', false);
    expect(mine.ipv4).toContain('10.0.6.0/23');
    expect(mine.ipv4).not.toContain('192.0.2.0/25');
    expect(mine.ipv6).toContain('::ffff:0.0.0.0/96');
    expect(mine.asns).toBe(3);
  });

  it('aggregation merges neighbours into ranges', async () => {
    const mine = await ours('AS-TOP', true);
    expect(mine.ipv4.some((e) => e.includes('{'))).toBe(true);
    expect(mine.ipv4.length).toBeLessThan((await ours('AS-TOP', false)).ipv4.length);
  });

  it('every generated peer set, both families, with and without aggregation', async () => {
    let compared = 0;
    for (const peer of generated.peers) {
      for (const aggregate of [false, true]) {
        const mine = await ours(peer.asSet, aggregate);
        expect(mine.ipv4, `${peer.asSet} v4 ${aggregate}`).toEqual(
          await bgpq4List(server, SOURCES, 4, peer.asSet, aggregate),
        );
        expect(mine.ipv6, `${peer.asSet} v6 ${aggregate}`).toEqual(
          await bgpq4List(server, SOURCES, 6, peer.asSet, aggregate),
        );
        compared += mine.ipv4.length + mine.ipv6.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
