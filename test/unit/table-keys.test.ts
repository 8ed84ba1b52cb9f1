import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeIp } from '../../shared/kernel';
import { OBJECT_TYPES } from '../../shared/peeringdb/records';
import {
  memberPartition,
  memberSortKey,
  netIdOfKey,
  networkMembershipPartition,
  sourceKey,
  typeListPartition,
} from '../../shared/peeringdb/peeringdb-store';
import { peerStatePartition, peerStateSortKey } from '../../shared/peers/peer-state-store';
import { peerLogPrefix } from '../../shared/peer-log';
import { orderKey, memberOrder } from '../../shared/peers/peer-view';
import {
  Entity,
  KEYS,
  type KeyPair,
  type KeyTemplate,
  NETWORK_ORDER,
  PEERINGDB_TYPES,
  SLOT_KINDS,
  type SlotKind,
  type SlotValue,
  int,
  key,
  memberOrderKey,
  nameKey,
  text,
} from '../../shared/platform/storage/keys';
import { ACCESS_PATTERNS } from '../../shared/platform/storage/access-patterns';
import { README_END, README_START, tableKeysSection } from '../support/table-keys-readme';

const INDEXES = ['table', 'gsi1', 'gsi2', 'gsi3'] as const;
type Index = (typeof INDEXES)[number];

const pairOf = (entity: Entity, index: Index): KeyPair | undefined =>
  (entity.keys as Record<string, KeyPair | undefined>)[index];

// ---------------------------------------------------------------------------------------------------
// The structural checker: a template pair is proven disjoint, or reported.

const head = (t: KeyTemplate) => (typeof t.parts[0] === 'string' ? t.parts[0] : '');
const tail = (t: KeyTemplate) => {
  const last = t.parts[t.parts.length - 1];
  return typeof last === 'string' ? last : '';
};
const isConstant = (t: KeyTemplate) => t.slots.length === 0;
const minLength = (t: KeyTemplate) =>
  t.parts.reduce((n, p) => n + (typeof p === 'string' ? p.length : SLOT_KINDS[p.kind].minLength), 0);

/** True only when no string can have both formats (sound, not complete: a false is a suspicion). */
function disjoint(a: KeyTemplate, b: KeyTemplate): boolean {
  const [ha, hb] = [head(a), head(b)];
  if (!ha.startsWith(hb) && !hb.startsWith(ha)) return true;
  const [ta, tb] = [tail(a), tail(b)];
  if (!ta.endsWith(tb) && !tb.endsWith(ta)) return true;
  if (isConstant(a) && isConstant(b)) return ha !== hb;
  if (isConstant(a) && minLength(b) > ha.length) return true;
  if (isConstant(b) && minLength(a) > hb.length) return true;
  return false;
}

/** Pairs of entities whose keys may meet in one index: neither their partitions nor their sort keys are disjoint. */
function collisions(entities: Record<string, Entity>): string[] {
  const found: string[] = [];
  const list = Object.entries(entities);
  for (const index of INDEXES) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [na, ea] = list[i] as [string, Entity];
        const [nb, eb] = list[j] as [string, Entity];
        const [pa, pb] = [pairOf(ea, index), pairOf(eb, index)];
        if (!pa || !pb) continue;
        if (!disjoint(pa.pk, pb.pk) && !disjoint(pa.sk, pb.sk)) found.push(`${index}: ${na} / ${nb}`);
      }
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------
// Values for every slot kind, and reading a key back to its entities.

const ARBITRARIES: Record<SlotKind, fc.Arbitrary<SlotValue>> = {
  int: fc.nat(),
  padded: fc.nat(),
  'int-or-none': fc.oneof(fc.nat(), fc.constant('none')),
  id: fc.uuid(),
  text: fc.string({ unit: 'binary', maxLength: 40 }),
  lower: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.toLowerCase()),
  upper: fc.string({ unit: 'binary', maxLength: 8 }).map((s) => s.toUpperCase()),
  name: fc.string({ unit: 'binary', maxLength: 220 }).map(nameKey),
  ip: fc
    .oneof(fc.ipV4(), fc.ipV6())
    .map((s) => normalizeIp(s))
    .filter((s): s is string => s !== null),
  time: fc
    .date({ min: new Date(0), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true })
    .map((d) => d.toISOString()),
};

function valuesFor(pair: KeyPair): fc.Arbitrary<Record<string, SlotValue>> {
  const kinds = new Map<string, SlotKind>();
  for (const slot of [...pair.pk.slots, ...pair.sk.slots])
    if (!kinds.has(slot.slot)) kinds.set(slot.slot, slot.kind);
  const record: Record<string, fc.Arbitrary<SlotValue>> = {};
  for (const [slot, kind] of kinds) record[slot] = ARBITRARIES[kind];
  return fc.record(record);
}

/** The entities whose formats in this index both parse this key. */
function readBack(entities: Record<string, Entity>, index: Index, pk: string, sk: string): string[] {
  return Object.entries(entities)
    .filter(([, e]) => {
      const pair = pairOf(e, index);
      return pair !== undefined && pair.pk.parse(pk) !== undefined && pair.sk.parse(sk) !== undefined;
    })
    .map(([name]) => name);
}

/** A property over every entity and index: each key built reads back to its own entity alone. */
function everyKeyReadsBack(entities: Record<string, Entity>) {
  const cases = Object.entries(entities).flatMap(([name, e]) =>
    INDEXES.flatMap((index) => {
      const pair = pairOf(e, index);
      return pair ? [{ name, index, pair }] : [];
    }),
  );
  return fc.property(
    fc.constantFrom(...cases).chain((c) => valuesFor(c.pair).map((values) => ({ ...c, values }))),
    ({ name, index, pair, values }) => {
      const pk = pair.pk.build(values);
      const sk = pair.sk.build(values);
      expect(readBack(entities, index, pk, sk)).toEqual([name]);
      // What a key parses into builds the same key again.
      expect(pair.pk.build(pair.pk.parse(pk) as Record<string, string>)).toBe(pk);
      expect(pair.sk.build(pair.sk.parse(sk) as Record<string, string>)).toBe(sk);
    },
  );
}

/** An entity someone might add by mistake: a sort key under a network's partition that can read `NET`. */
const rogue = {
  networkNote: new Entity('pdb-net-note', {
    table: { pk: key`PDBNET#${int('net')}`, sk: key`NET${text('note')}` },
  }),
};

describe('the table keys', () => {
  it('are never shared by two entities in one index (checked over the formats)', () => {
    expect(collisions(KEYS)).toEqual([]);
  });

  it('catch an entity that could share a key with another', () => {
    expect(collisions({ ...KEYS, ...rogue })).toEqual([
      'table: network / networkNote',
      'table: netixlan / networkNote',
    ]);
    const anyPdb = new Entity('x', { table: { pk: key`PDB${text('rest')}`, sk: key`OBJ` } });
    expect(collisions({ exchange: KEYS.exchange, anyPdb })).toEqual(['table: exchange / anyPdb']);
    const names = new Entity('y', {
      gsi3: { pk: key`PDBNAMES#net`, sk: NETWORK_ORDER },
      table: KEYS.user.keys.table,
    });
    expect(collisions({ network: KEYS.network, names })).toEqual(['gsi3: network / names']);
  });

  it('read back to the one entity that built them (generated values for every format)', () => {
    fc.assert(everyKeyReadsBack(KEYS), { numRuns: 3000 });
  });

  it('are read back ambiguously once a colliding entity is added', () => {
    const outcome = fc.check(everyKeyReadsBack({ ...KEYS, ...rogue }), { numRuns: 3000 });
    expect(outcome.failed).toBe(true);
  });

  it('keep the strings already stored, byte for byte', () => {
    expect(sourceKey('net', { id: 42 })).toEqual({ pk: 'PDBNET#42', sk: 'NET' });
    expect(sourceKey('poc', { id: 7, net_id: 42 })).toEqual({ pk: 'PDBNET#42', sk: 'POC#0000000007' });
    expect(sourceKey('netixlan', { id: 7, net_id: 42 })).toEqual({
      pk: 'PDBNET#42',
      sk: 'NETIXLAN#0000000007',
    });
    expect(sourceKey('ixpfx', { id: 9 })).toEqual({ pk: 'PDB#ixpfx#9', sk: 'OBJ' });
    expect(typeListPartition('netixlan', 15)).toBe('PDBTYPE#netixlan#15');
    expect(netIdOfKey({ pk: 'PDBNET#42', sk: 'POC#0000000007' })).toBe(42);
    expect(netIdOfKey({ pk: 'PDB#ix#42', sk: 'OBJ' })).toBeNull();
    expect(memberPartition(3)).toBe('PDBIX#3');
    expect(memberSortKey('  Zulu Net ', 1)).toBe('M#zulu net#0000000001');
    expect(networkMembershipPartition(5)).toBe('PDBNETM#5');
    expect(memberOrderKey('Zulu Net', 1)).toBe('zulu net#0000000001');
    expect(orderKey(memberOrder({ network: { name: ' Zulu Net', id: 1 } } as never))).toBe(
      'zulu net#0000000001',
    );
    expect(peerStatePartition(2)).toBe('IXSTATE#2');
    expect(peerStateSortKey(7)).toBe('NET#0000000007');
    expect(peerLogPrefix(7)).toBe('LOG#0000000007#');

    const t = '2026-01-02T03:04:05.000Z';
    const built: Record<string, unknown> = {
      network: KEYS.network.index('gsi3', { name: 'acme', net: 4 }),
      networkAsn: KEYS.network.index('gsi2', { asn: 64500, net: 4 }),
      exchange: KEYS.exchange.index('gsi2', { country: 'DE', name: 'de-cix', id: 1 }),
      exchangeNames: KEYS.exchange.index('gsi3', { name: 'de-cix', id: 1 }),
      prefix: KEYS.exchangePrefix.index('gsi2', { ix: 1, id: 2 }),
      facility: KEYS.exchangeFacility.index('gsi2', { ix: 1, id: 2 }),
      ipv4: KEYS.netixlan.index('gsi2', { ipv4: '192.0.2.1', id: 3 }),
      ipv6: KEYS.netixlan.index('gsi3', { ipv6: '2001:db8::1', id: 3 }),
      member: KEYS.member.index('gsi2', { net: 4, ix: 1 }),
      syncRun: { ...KEYS.syncRun.key({ run: 'r' }), ...KEYS.syncRun.index('gsi1', { started: t, run: 'r' }) },
      sync: [KEYS.syncLease.key({}), KEYS.syncCursors.key({}), KEYS.syncDirty.key({})],
      migration: KEYS.migration.key({ name: 'm' }),
      peerState: KEYS.peerState.index('gsi3', { ix: 2, name: 'acme', net: 4 }),
      peerLog: KEYS.peerLog.key({ ix: 2, net: 4, time: t, entry: 'e' }),
      request: {
        ...KEYS.request.key({ request: 'q' }),
        ...KEYS.request.index('gsi1', { created: t, request: 'q' }),
        ...KEYS.request.index('gsi2', { net: 4, created: t, request: 'q' }),
      },
      requestExchange: {
        ...KEYS.requestExchange.key({ request: 'q', ix: 2 }),
        ...KEYS.requestExchange.index('gsi3', { ix: 2, created: t, request: 'q' }),
      },
      requestGuard: KEYS.requestGuard.key({ net: 4 }),
      sendRate: KEYS.sendRate.key({}),
      template: { ...KEYS.template.key({ name: 'n' }), ...KEYS.template.index('gsi1', { name: 'n' }) },
      session: {
        ...KEYS.session.key({ session: 's' }),
        ...KEYS.session.index('gsi1', { created: t, session: 's' }),
        ...KEYS.session.index('gsi2', { ix: 'none', net: 0, session: 's' }),
        ...KEYS.session.index('gsi3', { router: 'r', peerIp: '192.0.2.1', session: 's' }),
      },
      sessionGuard: KEYS.sessionGuard.key({ router: 'r', peerIp: '192.0.2.1' }),
      configRevision: KEYS.configRevision.key({ session: 's', created: t, revision: 'v' }),
      user: { ...KEYS.user.key({ user: 'u' }), ...KEYS.user.index('gsi1', { email: 'a@b.c' }) },
      userEmail: KEYS.userEmail.key({ email: 'a@b.c' }),
      loginAccount: KEYS.loginAccount.key({ email: 'a@b.c' }),
      loginKnownSource: KEYS.loginKnownSource.key({ email: 'a@b.c', source: 'f00d' }),
      loginAddress: KEYS.loginAddress.key({ source: 'f00d' }),
      loginSources: KEYS.loginSources.key({ user: 'u' }),
      router: {
        ...KEYS.router.key({ router: 'r' }),
        ...KEYS.router.index('gsi1', { hostname: 'rt1', router: 'r' }),
      },
      routerHostname: KEYS.routerHostname.key({ hostname: 'rt1' }),
      numberCounter: KEYS.numberCounter.key({ kind: 'session' }),
      numberClaim: KEYS.numberClaim.key({ kind: 'session', number: 51 }),
      settings: KEYS.settings.key({}),
      presenceOverride: KEYS.presenceOverride.key({ ix: 2 }),
      audit: {
        ...KEYS.audit.key({ entry: 'a' }),
        ...KEYS.audit.index('gsi1', { time: t, entry: 'a' }),
        ...KEYS.audit.index('gsi2', { user: 'u', time: t, entry: 'a' }),
      },
    };
    expect(built).toEqual({
      network: { gsi3pk: 'PDBNAMES#net', gsi3sk: 'acme#0000000004' },
      networkAsn: { gsi2pk: 'PDBASN#64500', gsi2sk: '0000000004' },
      exchange: { gsi2pk: 'PDBIXCC#DE', gsi2sk: 'de-cix#0000000001' },
      exchangeNames: { gsi3pk: 'PDBNAMES#ix', gsi3sk: 'de-cix#0000000001' },
      prefix: { gsi2pk: 'PDBIXPFX#1', gsi2sk: '0000000002' },
      facility: { gsi2pk: 'PDBIXFAC#1', gsi2sk: '0000000002' },
      ipv4: { gsi2pk: 'PDBIP#192.0.2.1', gsi2sk: '0000000003' },
      ipv6: { gsi3pk: 'PDBIP#2001:db8::1', gsi3sk: '0000000003' },
      member: { gsi2pk: 'PDBNETM#4', gsi2sk: '0000000001' },
      syncRun: { pk: 'SYNCRUN#r', sk: 'RUN', gsi1pk: 'SYNCRUNS', gsi1sk: `${t}#r` },
      sync: [
        { pk: 'SYNC', sk: 'LEASE' },
        { pk: 'SYNC', sk: 'CURSORS' },
        { pk: 'SYNC', sk: 'MEMBERS_DIRTY' },
      ],
      migration: { pk: 'MIGRATION#m', sk: 'MIGRATION' },
      peerState: { gsi3pk: 'IXSTATE#2', gsi3sk: 'acme#0000000004' },
      peerLog: { pk: 'IXSTATE#2', sk: `LOG#0000000004#${t}#e` },
      request: {
        pk: 'REQUEST#q',
        sk: 'REQUEST',
        gsi1pk: 'REQUESTS',
        gsi1sk: `${t}#q`,
        gsi2pk: 'REQPEER#4',
        gsi2sk: `${t}#q`,
      },
      requestExchange: { pk: 'REQUEST#q', sk: 'IX#2', gsi3pk: 'REQIX#2', gsi3sk: `${t}#q` },
      requestGuard: { pk: 'REQGUARD#4', sk: 'REQGUARD' },
      sendRate: { pk: 'SENDRATE', sk: 'SENDRATE' },
      template: { pk: 'TEMPLATE#n', sk: 'TEMPLATE', gsi1pk: 'TEMPLATES', gsi1sk: 'n' },
      session: {
        pk: 'SESSION#s',
        sk: 'SESSION',
        gsi1pk: 'SESSIONS',
        gsi1sk: `${t}#s`,
        gsi2pk: 'SESSIX#none',
        gsi2sk: 'NET#0000000000#s',
        gsi3pk: 'SESSROUTER#r',
        gsi3sk: '192.0.2.1#s',
      },
      sessionGuard: { pk: 'SESSIONPEER#r#192.0.2.1', sk: 'SESSIONPEER' },
      configRevision: { pk: 'CONFIGREV#s', sk: `REV#${t}#v` },
      user: { pk: 'USER#u', sk: 'USER', gsi1pk: 'USERS', gsi1sk: 'a@b.c' },
      userEmail: { pk: 'USEREMAIL#a@b.c', sk: 'USEREMAIL' },
      loginAccount: { pk: 'LOGINLIMIT#a@b.c', sk: 'ACCOUNT' },
      loginKnownSource: { pk: 'LOGINLIMIT#a@b.c', sk: 'SOURCE#f00d' },
      loginAddress: { pk: 'LOGINADDR#f00d', sk: 'LOGINADDR' },
      loginSources: { pk: 'LOGINSOURCES#u', sk: 'LOGINSOURCES' },
      router: { pk: 'ROUTER#r', sk: 'ROUTER', gsi1pk: 'ROUTERS', gsi1sk: 'rt1#r' },
      routerHostname: { pk: 'ROUTERHOST#rt1', sk: 'ROUTERHOST' },
      numberCounter: { pk: 'COUNTER#session', sk: 'COUNTER' },
      numberClaim: { pk: 'NUMBER#session#51', sk: 'NUMBER' },
      settings: { pk: 'SETTINGS', sk: 'SETTINGS' },
      presenceOverride: { pk: 'PRESENCE', sk: 'IX#0000000002' },
      audit: {
        pk: 'AUDIT#a',
        sk: 'AUDIT',
        gsi1pk: 'AUDIT',
        gsi1sk: `${t}#a`,
        gsi2pk: 'AUDITUSER#u',
        gsi2sk: `${t}#a`,
      },
    });
  });

  it('name every PeeringDB object type, and each entity once', () => {
    expect([...PEERINGDB_TYPES].sort()).toEqual([...OBJECT_TYPES].sort());
    const names = Object.values(KEYS).map((e) => e.entity);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('the access patterns', () => {
  it('each read the index where their entities have those keys, one partition shape per read', () => {
    for (const pattern of ACCESS_PATTERNS) {
      const pairs = pattern.entities.map((name) => pairOf(KEYS[name], pattern.index));
      for (const [i, pair] of pairs.entries())
        expect(pair, `${pattern.name}: ${pattern.entities[i]} has no ${pattern.index} key`).toBeDefined();
      const shapes = new Set(pairs.map((p) => p?.pk.shape));
      if (pattern.perEntity) expect(shapes.size).toBe(pattern.entities.length);
      else expect(shapes.size, `${pattern.name} reads more than one partition shape`).toBe(1);
      if (pattern.operation === 'get') expect(pattern.index).toBe('table');
    }
  });

  it('each narrow the sort key by what it holds', () => {
    for (const pattern of ACCESS_PATTERNS) {
      const { sort } = pattern;
      if (sort.kind === 'all' || pattern.operation === 'get') continue;
      for (const name of pattern.entities) {
        const sk = pairOf(KEYS[name], pattern.index)?.sk as KeyTemplate;
        const ok = sk.slots.some((s) => s.slot === sort.on) || sk.shape.startsWith(sort.on);
        expect(ok, `${pattern.name}: ${sort.kind} ${sort.on} on ${sk.shape}`).toBe(true);
      }
    }
  });

  it('have unique names and read every entity except the claims of unique values', () => {
    const names = ACCESS_PATTERNS.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    const read = new Set(ACCESS_PATTERNS.flatMap((p) => p.entities));
    const unread = Object.keys(KEYS).filter((name) => !read.has(name as keyof typeof KEYS));
    expect(unread).toEqual(['sessionGuard', 'routerHostname']);
  });
});

describe('the README', () => {
  it('lists the keys and access patterns exactly as the map declares them', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(README_START);
    const end = readme.indexOf(README_END);
    expect(start, 'README has no generated table-keys section').toBeGreaterThanOrEqual(0);
    // Prettier aligns table columns: compare cell by cell.
    const cells = (block: string) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .map((line) =>
          line.startsWith('|')
            ? line
                .slice(1, -1)
                .split(/(?<!\\)\|/)
                .map((c) => (/^\s*-+\s*$/.test(c) ? '---' : c.trim()))
                .join(' | ')
            : line,
        );
    expect(cells(readme.slice(start, end + README_END.length))).toEqual(cells(tableKeysSection()));
  });
});
