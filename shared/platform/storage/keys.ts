import type { IndexName } from './table';

/**
 * The one map of the table's keys: every entity with the key it has in the table and in each global
 * index, and every access pattern the repositories read through. Each key format is a template of
 * literal text and typed slots: it builds the key strings, the `begins_with` prefixes and the
 * ordering strings, and a test reads it to prove that no two entities share a key in any index.
 *
 * Stored keys cannot change (deployed tables hold them): a template here may only be added, never
 * reworded.
 */

// ---------------------------------------------------------------------------------------------------
// Templates

/** What a slot holds. The kind formats numbers; text is stored as the entity's builder hands it in. */
export type SlotKind =
  'int' | 'padded' | 'int-or-none' | 'id' | 'text' | 'lower' | 'upper' | 'name' | 'ip' | 'time';

export const SLOT_KINDS: Record<SlotKind, { meaning: string; pattern: string; minLength: number }> = {
  int: { meaning: 'integer', pattern: '\\d+', minLength: 1 },
  padded: { meaning: 'integer, zero-padded to 10 digits', pattern: '\\d{10,}', minLength: 10 },
  'int-or-none': { meaning: 'integer, or `none`', pattern: '\\d+|none', minLength: 1 },
  id: { meaning: 'identifier the service generates (a UUID)', pattern: '[\\s\\S]*', minLength: 0 },
  text: { meaning: 'text as given', pattern: '[\\s\\S]*', minLength: 0 },
  lower: { meaning: 'lowercased text', pattern: '[\\s\\S]*', minLength: 0 },
  upper: { meaning: 'uppercased text', pattern: '[\\s\\S]*', minLength: 0 },
  name: {
    meaning: 'name as sorted: trimmed, lowercased, at most 200 characters',
    pattern: '[\\s\\S]*',
    minLength: 0,
  },
  ip: { meaning: 'normalized IP address', pattern: '[0-9a-fA-F:.]+', minLength: 1 },
  time: { meaning: 'ISO 8601 timestamp', pattern: '[\\s\\S]*', minLength: 0 },
};

export interface Slot<N extends string = string> {
  readonly slot: N;
  readonly kind: SlotKind;
}

export type SlotValue = string | number;
type Part<N extends string> = string | Slot<N>;

const slotOf =
  (kind: SlotKind) =>
  <N extends string>(slot: N): Slot<N> => ({ slot, kind });

export const int = slotOf('int');
export const padded = slotOf('padded');
export const intOrNone = slotOf('int-or-none');
export const id = slotOf('id');
export const text = slotOf('text');
export const lower = slotOf('lower');
export const upper = slotOf('upper');
export const name = slotOf('name');
export const ip = slotOf('ip');
export const time = slotOf('time');

function format(slot: Slot, value: SlotValue): string {
  return slot.kind === 'padded' ? String(value).padStart(10, '0') : String(value);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One key format: literal parts and typed slots, in order. */
export class KeyTemplate<N extends string = string> {
  readonly parts: readonly Part<N>[];
  private readonly regex: RegExp;

  constructor(parts: readonly Part<N>[]) {
    const merged: Part<N>[] = [];
    for (const part of parts) {
      const last = merged[merged.length - 1];
      if (typeof part === 'string' && typeof last === 'string') merged[merged.length - 1] = last + part;
      else if (part !== '') merged.push(part);
    }
    this.parts = merged;
    this.regex = new RegExp(
      `^${merged.map((p) => (typeof p === 'string' ? escapeRegExp(p) : `(${SLOT_KINDS[p.kind].pattern})`)).join('')}$`,
    );
  }

  get slots(): Slot<N>[] {
    return this.parts.filter((p): p is Slot<N> => typeof p !== 'string');
  }

  /** The key for these values. */
  build(values: Record<N, SlotValue>): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : format(p, values[p.slot]))).join('');
  }

  /**
   * The start every key shares that has these values: the parts up to the first slot without a
   * value (`begins_with` of a Query). With `open`, that slot's value is taken as the start of its
   * text and the prefix ends with it.
   */
  prefix(values: Partial<Record<N, SlotValue>> = {}, open?: N): string {
    let out = '';
    for (const p of this.parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const value = values[p.slot];
      if (value === undefined) break;
      out += format(p, value);
      if (p.slot === open) break;
    }
    return out;
  }

  /** The slots' texts when `key` has this format, undefined when it does not. */
  parse(key: string): Record<N, string> | undefined {
    const m = this.regex.exec(key);
    if (!m) return undefined;
    const out = {} as Record<N, string>;
    this.slots.forEach((s, i) => {
      out[s.slot] = m[i + 1] as string;
    });
    return out;
  }

  /** The shape as the README shows it: `PDBNET#<net:int>`. */
  get shape(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : `<${p.slot}:${p.kind}>`)).join('');
  }
}

/**
 * A key format written as a template literal: text is literal, a slot (`int('net')`) is a variable
 * part, another template is spliced in.
 */
export function key<N extends string = never>(
  strings: TemplateStringsArray,
  ...inserts: (string | Slot<N> | KeyTemplate<N>)[]
): KeyTemplate<N> {
  const parts: Part<N>[] = [];
  strings.forEach((literal, i) => {
    parts.push(literal);
    const insert = inserts[i];
    if (insert === undefined) return;
    if (insert instanceof KeyTemplate) parts.push(...insert.parts);
    else parts.push(insert);
  });
  return new KeyTemplate(parts);
}

// ---------------------------------------------------------------------------------------------------
// Entities

export interface KeyPair<P extends string = string, S extends string = string> {
  pk: KeyTemplate<P>;
  sk: KeyTemplate<S>;
}

export type IndexKey = 'table' | IndexName;
type Layout = { table: KeyPair } & Partial<Record<IndexName, KeyPair>>;
type SlotsOf<K> = K extends KeyPair<infer P, infer S> ? P | S : never;
type ValuesOf<K> = Record<SlotsOf<K>, SlotValue>;

/** An entity: the value of its `entity` attribute and its key in the table and in each index it is in. */
export class Entity<L extends Layout = Layout> {
  constructor(
    readonly entity: string,
    readonly keys: L,
  ) {}

  /** Its table key (`pk`, `sk`). */
  key(values: ValuesOf<L['table']>): { pk: string; sk: string } {
    return { pk: this.keys.table.pk.build(values), sk: this.keys.table.sk.build(values) };
  }

  /** Its attributes in one global index (`gsi2pk`, `gsi2sk`). */
  index<I extends IndexName & keyof L>(
    index: I,
    values: ValuesOf<L[I]>,
  ): Record<`${I}pk` | `${I}sk`, string> {
    const pair = this.keys[index] as KeyPair;
    return {
      [`${index}pk`]: pair.pk.build(values),
      [`${index}sk`]: pair.sk.build(values),
    } as Record<`${I}pk` | `${I}sk`, string>;
  }
}

const entity = <L extends Layout>(name: string, keys: L) => new Entity(name, keys);
const constant = (s: string) => new KeyTemplate<never>([s]);

/** The lowercase form PeeringDB names are sorted and searched by. */
export function nameKey(value: string): string {
  return value.trim().toLowerCase().slice(0, 200);
}

/** The form an email takes in keys (and compares by). */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Where a network stands in the order an exchange's members are paged: its sorted name, then its
 * id. The member items, the networks' name index and the peer states all order by this one format,
 * so a page of members and the state of that page line up.
 */
export const NETWORK_ORDER = key`${name('name')}#${padded('net')}`;

/** A member's position as the pages of peers carry it: the name already in `nameKey` form. */
export type MemberPosition = [sortedName: string, netId: number];

export const memberPosition = (networkName: string, netId: number): MemberPosition => [
  nameKey(networkName),
  netId,
];

/** The position as one string, as storage orders members and their state. */
export const positionKey = ([sortedName, netId]: MemberPosition) =>
  NETWORK_ORDER.build({ name: sortedName, net: netId });

export const memberOrderKey = (networkName: string, netId: number) =>
  positionKey(memberPosition(networkName, netId));

/** PeeringDB object types stored under `PDB#<type>#<id>` (the network and its rows have a partition). */
const PLAIN_TYPES = ['org', 'fac', 'ix', 'ixlan', 'ixpfx', 'ixfac', 'netfac'] as const;
type PlainType = (typeof PLAIN_TYPES)[number];
export const PEERINGDB_TYPES = [...PLAIN_TYPES, 'net', 'poc', 'netixlan'] as const;
/** The PeeringDB types the table stores; the peeringdb area checks that its own list is this one. */
type ObjectType = (typeof PEERINGDB_TYPES)[number];

/** Every source object is listed per type in gsi1, in this many shards, so a run can find deletions. */
export const TYPE_LIST_SHARDS = 16;
const typeList = (type: ObjectType) => ({
  pk: key`PDBTYPE#${type}#${int('shard')}`,
  sk: key`${padded('id')}`,
});
const plainObject = (type: PlainType) => ({ pk: key`PDB#${type}#${int('id')}`, sk: constant('OBJ') });

const exchangeOrder = key`${name('name')}#${padded('id')}`;

export const KEYS = {
  // PeeringDB sources. A network, its contacts and its netixlan rows share the partition
  // `PDBNET#<net>`, so one consistent Query gives the sync everything a member is built from.
  network: entity('pdb-net', {
    table: { pk: key`PDBNET#${int('net')}`, sk: constant('NET') },
    gsi1: typeList('net'),
    gsi2: { pk: key`PDBASN#${int('asn')}`, sk: key`${padded('net')}` },
    gsi3: { pk: constant('PDBNAMES#net'), sk: NETWORK_ORDER },
  }),
  contact: entity('pdb-poc', {
    table: { pk: key`PDBNET#${int('net')}`, sk: key`POC#${padded('id')}` },
    gsi1: typeList('poc'),
  }),
  netixlan: entity('pdb-netixlan', {
    table: { pk: key`PDBNET#${int('net')}`, sk: key`NETIXLAN#${padded('id')}` },
    gsi1: typeList('netixlan'),
    /** By IPv4 address (when the row has one). */
    gsi2: { pk: key`PDBIP#${ip('ipv4')}`, sk: key`${padded('id')}` },
    /** By IPv6 address (when the row has one). */
    gsi3: { pk: key`PDBIP#${ip('ipv6')}`, sk: key`${padded('id')}` },
  }),
  exchange: entity('pdb-ix', {
    table: plainObject('ix'),
    gsi1: typeList('ix'),
    gsi2: { pk: key`PDBIXCC#${upper('country')}`, sk: exchangeOrder },
    gsi3: { pk: constant('PDBNAMES#ix'), sk: exchangeOrder },
  }),
  exchangePrefix: entity('pdb-ixpfx', {
    table: plainObject('ixpfx'),
    gsi1: typeList('ixpfx'),
    /** When the prefix names its exchange. */
    gsi2: { pk: key`PDBIXPFX#${int('ix')}`, sk: key`${padded('id')}` },
  }),
  exchangeFacility: entity('pdb-ixfac', {
    table: plainObject('ixfac'),
    gsi1: typeList('ixfac'),
    gsi2: { pk: key`PDBIXFAC#${int('ix')}`, sk: key`${padded('id')}` },
  }),
  organisation: entity('pdb-org', { table: plainObject('org'), gsi1: typeList('org') }),
  facility: entity('pdb-fac', { table: plainObject('fac'), gsi1: typeList('fac') }),
  exchangeLan: entity('pdb-ixlan', {
    table: plainObject('ixlan'),
    gsi1: typeList('ixlan'),
    /** An exchange's LANs (their route-server ASNs). */
    gsi2: { pk: key`PDBIXLAN#${int('ix')}`, sk: key`${padded('id')}` },
  }),
  networkFacility: entity('pdb-netfac', { table: plainObject('netfac'), gsi1: typeList('netfac') }),
  /** Derived from the sources: one per exchange and network, what a page of peers is read from. */
  member: entity('pdb-member', {
    table: { pk: key`PDBIX#${int('ix')}`, sk: key`M#${NETWORK_ORDER}` },
    gsi2: { pk: key`PDBNETM#${int('net')}`, sk: key`${padded('ix')}` },
  }),

  // The sync's own items.
  syncRun: entity('sync-run', {
    table: { pk: key`SYNCRUN#${id('run')}`, sk: constant('RUN') },
    gsi1: { pk: constant('SYNCRUNS'), sk: key`${time('started')}#${id('run')}` },
  }),
  syncLease: entity('sync-lease', { table: { pk: constant('SYNC'), sk: constant('LEASE') } }),
  syncCursors: entity('sync-cursors', { table: { pk: constant('SYNC'), sk: constant('CURSORS') } }),
  syncDirty: entity('sync-dirty', { table: { pk: constant('SYNC'), sk: constant('MEMBERS_DIRTY') } }),
  migration: entity('migration', {
    table: { pk: key`MIGRATION#${text('name')}`, sk: constant('MIGRATION') },
  }),

  // Our side of each peer: all of one exchange in one partition.
  peerState: entity('peer-state', {
    table: { pk: key`IXSTATE#${int('ix')}`, sk: key`NET#${padded('net')}` },
    /** Listed in member order, so a page of peers reads the state of that page only. */
    gsi3: { pk: key`IXSTATE#${int('ix')}`, sk: NETWORK_ORDER },
  }),
  /**
   * Each member of an exchange as a filtered list shows it (the member, our state, the verdict,
   * `is_peer`), rebuilt when any of those change; listed per filter value in member order, so a
   * filtered page is one Query. Our own network has none.
   */
  peerRow: entity('peer-row', {
    table: { pk: key`IXPEERS#${int('ix')}`, sk: key`NET#${padded('net')}` },
    gsi1: { pk: key`PEERQ#${int('ix')}#${text('qualified')}`, sk: NETWORK_ORDER },
    gsi2: { pk: key`PEERRS#${int('ix')}#${text('status')}`, sk: NETWORK_ORDER },
    gsi3: { pk: key`PEERISPEER#${int('ix')}#${text('isPeer')}`, sk: NETWORK_ORDER },
  }),
  /**
   * Per exchange: a counter raised by every change that reaches its peer rows, and the rules the rows
   * were last wholly built under (absent while they are not). One partition, so a job lists them all.
   */
  peerRowsBuild: entity('peer-rows-build', {
    table: { pk: constant('PEERROWS'), sk: key`IX#${padded('ix')}` },
  }),
  peerLog: entity('peer-log', {
    table: { pk: key`IXSTATE#${int('ix')}`, sk: key`LOG#${padded('net')}#${time('time')}#${id('entry')}` },
  }),

  // Peering requests and mail.
  request: entity('request', {
    table: { pk: key`REQUEST#${id('request')}`, sk: constant('REQUEST') },
    gsi1: { pk: constant('REQUESTS'), sk: key`${time('created')}#${id('request')}` },
    gsi2: { pk: key`REQPEER#${int('net')}`, sk: key`${time('created')}#${id('request')}` },
  }),
  /** One small item per exchange of a request, so the list by exchange uses an index. */
  requestExchange: entity('request-exchange', {
    table: { pk: key`REQUEST#${id('request')}`, sk: key`IX#${int('ix')}` },
    gsi3: { pk: key`REQIX#${int('ix')}`, sk: key`${time('created')}#${id('request')}` },
  }),
  requestGuard: entity('request-guard', {
    table: { pk: key`REQGUARD#${int('net')}`, sk: constant('REQGUARD') },
  }),
  sendRate: entity('send-rate', { table: { pk: constant('SENDRATE'), sk: constant('SENDRATE') } }),
  template: entity('template', {
    table: { pk: key`TEMPLATE#${text('name')}`, sk: constant('TEMPLATE') },
    gsi1: { pk: constant('TEMPLATES'), sk: key`${text('name')}` },
  }),

  // BGP sessions and their configuration.
  session: entity('session', {
    table: { pk: key`SESSION#${id('session')}`, sk: constant('SESSION') },
    gsi1: { pk: constant('SESSIONS'), sk: key`${time('created')}#${id('session')}` },
    gsi2: { pk: key`SESSIX#${intOrNone('ix')}`, sk: key`NET#${padded('net')}#${id('session')}` },
    gsi3: { pk: key`SESSROUTER#${id('router')}`, sk: key`${text('peerIp')}#${id('session')}` },
  }),
  /**
   * What the last poll that changed anything saw of a session, beside the session's own item so a
   * poll writes it without touching (or re-creating) the session, read back merged into it.
   */
  sessionPolled: entity('session-polled', {
    table: { pk: key`SESSIONPOLL#${id('session')}`, sk: constant('SESSIONPOLL') },
    /** A router's polled items in one Query, read beside its sessions by a poll. */
    gsi1: { pk: key`SESSPOLLROUTER#${id('router')}`, sk: key`${id('session')}` },
  }),
  /** The uniqueness guard of (router, peer IP): its key is the pair itself. */
  sessionGuard: entity('session-guard', {
    table: { pk: key`SESSIONPEER#${id('router')}#${text('peerIp')}`, sk: constant('SESSIONPEER') },
  }),
  configRevision: entity('config-revision', {
    table: { pk: key`CONFIGREV#${id('session')}`, sk: key`REV#${time('created')}#${id('revision')}` },
    /** One revision by its id, for a diff of two (the session of each need not be known). */
    gsi1: { pk: key`CONFIGREVID#${id('revision')}`, sk: constant('CONFIGREV') },
  }),

  // Users, routers, settings, presences, audit.
  user: entity('user', {
    table: { pk: key`USER#${id('user')}`, sk: constant('USER') },
    gsi1: { pk: constant('USERS'), sk: key`${lower('email')}` },
  }),
  /** Claims an email for one user. */
  userEmail: entity('user-email', {
    table: { pk: key`USEREMAIL#${lower('email')}`, sk: constant('USEREMAIL') },
  }),
  /** Login guesses at one email from every address it has not logged in from, in the current window. */
  loginAccount: entity('login-account', {
    table: { pk: key`LOGINLIMIT#${lower('email')}`, sk: constant('ACCOUNT') },
  }),
  /** Login guesses at one email from one address it logged in from (a keyed hash of the address). */
  loginKnownSource: entity('login-known-src', {
    table: { pk: key`LOGINLIMIT#${lower('email')}`, sk: key`SOURCE#${text('source')}` },
  }),
  /** Login guesses from one address (a keyed hash) at any email. */
  loginAddress: entity('login-address', {
    table: { pk: key`LOGINADDR#${text('source')}`, sk: constant('LOGINADDR') },
  }),
  /** The addresses (keyed hashes) a user logged in from lately. */
  loginSources: entity('login-sources', {
    table: { pk: key`LOGINSOURCES#${id('user')}`, sk: constant('LOGINSOURCES') },
  }),
  /** How many enabled admins there are: every change that adds or removes one moves it, conditionally. */
  adminCount: entity('admin-count', { table: { pk: constant('ADMINS'), sk: constant('ADMINS') } }),
  /** A token ended before its expiry (logout), by its `jti`; gone after the token's own expiry. */
  revokedToken: entity('revoked-token', {
    table: { pk: key`REVOKED#${id('token')}`, sk: constant('REVOKED') },
  }),
  router: entity('router', {
    table: { pk: key`ROUTER#${id('router')}`, sk: constant('ROUTER') },
    gsi1: { pk: constant('ROUTERS'), sk: key`${lower('hostname')}#${id('router')}` },
  }),
  /** How peerflow reaches a router's management plane; its secret is encrypted. */
  routerConnection: entity('router-connection', {
    table: { pk: key`ROUTERCONN#${id('router')}`, sk: constant('ROUTERCONN') },
  }),
  /** One delivery of a router's config, with its steps; listed per router, newest first. */
  deployment: entity('deployment', {
    table: { pk: key`DEPLOYMENT#${id('deployment')}`, sk: constant('DEPLOYMENT') },
    gsi1: { pk: key`DEPLOYROUTER#${id('router')}`, sk: key`${time('created')}#${id('deployment')}` },
  }),
  /** The deployment that holds a router: at most one runs per router. */
  deploymentLease: entity('deployment-lease', {
    table: { pk: key`DEPLOYLEASE#${id('router')}`, sk: constant('LEASE') },
  }),
  /**
   * A router's polling: the last poll's time and outcome, its error count, the neighbors it found
   * that peerflow does not know, and the lease that keeps two polls of the router apart.
   */
  routerPoll: entity('router-poll', {
    table: { pk: key`ROUTERPOLL#${id('router')}`, sk: constant('ROUTERPOLL') },
  }),
  /** One change of a session's polled BGP state, oldest first in its session's partition. */
  sessionHistory: entity('session-history', {
    table: { pk: key`SESSIONHIST#${id('session')}`, sk: key`${time('at')}#${id('change')}` },
  }),
  /** Claims a host name for one router. */
  routerHostname: entity('router-hostname', {
    table: { pk: key`ROUTERHOST#${lower('hostname')}`, sk: constant('ROUTERHOST') },
  }),
  /** The last number given to an item of one kind (session, router, request): only ever raised. */
  numberCounter: entity('number-counter', {
    table: { pk: key`COUNTER#${text('kind')}`, sk: constant('COUNTER') },
  }),
  /** Which item of a kind holds a number, so that the number (the v1 API's id) finds the item. */
  numberClaim: entity('number-claim', {
    table: { pk: key`NUMBER#${text('kind')}#${int('number')}`, sk: constant('NUMBER') },
  }),
  settings: entity('settings', { table: { pk: constant('SETTINGS'), sk: constant('SETTINGS') } }),
  /** The addresses the operator stored for a peer, beside its PeeringDB contacts: one item per network. */
  networkContacts: entity('network-contacts', {
    table: { pk: key`NETCONTACTS#${int('net')}`, sk: constant('NETCONTACTS') },
  }),
  /** A peer's IRR prefix lists: the AS-SET used, the override, the last refresh and its history. */
  irrPrefixLists: entity('irr-prefix-lists', {
    table: { pk: key`IRR#${int('net')}`, sk: constant('IRR') },
    gsi1: { pk: constant('IRRLISTS'), sk: key`${padded('net')}` },
  }),
  /** One part of a peer's current lists (compressed), so that a list of any size fits in items. */
  irrListChunk: entity('irr-list-chunk', {
    table: { pk: key`IRR#${int('net')}`, sk: key`LIST#${text('digest')}#${int('chunk')}` },
  }),
  presenceOverride: entity('presence-override', {
    table: { pk: constant('PRESENCE'), sk: key`IX#${padded('ix')}` },
  }),
  /**
   * A route's Idempotency-Key and the first answer to it, written by Powertools idempotency: the
   * hash covers the route, the caller and the key (see `platform/storage/idempotency-store.ts`).
   */
  idempotencyRecord: entity('idempotency', {
    table: { pk: key`IDEMPOTENCY#${text('route')}`, sk: key`KEY#${text('hash')}` },
  }),
  /** A webhook an admin registered: where peerflow's events are posted; listed in creation order. */
  webhook: entity('webhook', {
    table: { pk: key`WEBHOOK#${id('webhook')}`, sk: constant('WEBHOOK') },
    gsi1: { pk: constant('WEBHOOKS'), sk: key`${time('created')}#${id('webhook')}` },
  }),
  /** One event's delivery to one webhook, with its attempts; gone 30 days after the event. */
  webhookDelivery: entity('webhook-delivery', {
    table: { pk: key`WEBHOOKDELIVERY#${id('webhook')}`, sk: key`${time('time')}#${id('event')}` },
  }),
  audit: entity('audit', {
    table: { pk: key`AUDIT#${id('entry')}`, sk: constant('AUDIT') },
    gsi1: { pk: constant('AUDIT'), sk: key`${time('time')}#${id('entry')}` },
    gsi2: { pk: key`AUDITUSER#${id('user')}`, sk: key`${time('time')}#${id('entry')}` },
  }),
} as const;

export type EntityName = keyof typeof KEYS;

/** The entity of a PeeringDB source object of this type. */
export const SOURCE_ENTITIES = {
  net: KEYS.network,
  poc: KEYS.contact,
  netixlan: KEYS.netixlan,
  ix: KEYS.exchange,
  ixpfx: KEYS.exchangePrefix,
  ixfac: KEYS.exchangeFacility,
  org: KEYS.organisation,
  fac: KEYS.facility,
  ixlan: KEYS.exchangeLan,
  netfac: KEYS.networkFacility,
} as const satisfies Record<ObjectType, Entity>;

/** The PDB#<type>#<id> entities, by type. */
export const PLAIN_SOURCE_ENTITIES: Record<PlainType, Entity<{ table: ReturnType<typeof plainObject> }>> = {
  org: KEYS.organisation,
  fac: KEYS.facility,
  ix: KEYS.exchange,
  ixlan: KEYS.exchangeLan,
  ixpfx: KEYS.exchangePrefix,
  ixfac: KEYS.exchangeFacility,
  netfac: KEYS.networkFacility,
};
