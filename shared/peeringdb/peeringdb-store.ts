import { BatchGetCommand, GetCommand, type NativeAttributeValue, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { inAnyPrefix, normalizeIp } from '../kernel';
import {
  type Contact,
  ContactSchema,
  type Exchange,
  type ExchangeMember,
  type ExchangePrefix,
  ExchangePrefixSchema,
  ExchangeSchema,
  type Network,
  NetworkSchema,
  orderContacts,
  type PeeringDbReader,
  type Presence,
  PresenceSchema,
} from './model';
import {
  type ObjectType,
  type StoredOf,
  type ExchangeFacility,
  ExchangeFacilitySchema,
  ExchangeLanSchema,
} from './records';
import { ddb, tableName } from '../platform/storage/client';
import { backoffDelay, sleep } from '../platform/concurrency';
import { parseItem, withoutKeys } from '../platform/storage/items';
import { decodeCursor, encodeCursor, type Page } from '../platform/storage/pagination';
import { type QueryInput, queryAll, queryCount, queryPage } from '../platform/storage/query';
import {
  KEYS,
  NETWORK_ORDER,
  PLAIN_SOURCE_ENTITIES,
  SOURCE_ENTITIES,
  TYPE_LIST_SHARDS,
  nameKey,
} from '../platform/storage/keys';

/**
 * Where PeeringDB data lives in the table (the formats are in `platform/storage/keys.ts`).
 * - A network, its contacts and its netixlan rows share the network's partition, so one
 *   consistent Query gives the sync everything an exchange member is built from.
 * - Every other object has a partition of its own.
 * - Every source object is listed per type in gsi1, in shards, so a full run can compare what is
 *   stored with what PeeringDB returned and find deletions.
 * - The derived member items (one per exchange and network) share the exchange's partition, ordered
 *   by name: a page of peers is one Query. Their gsi2 lists a network's exchanges.
 */
const SHARDS = TYPE_LIST_SHARDS;

export interface ItemKey {
  pk: string;
  sk: string;
}

export function sourceKey(type: ObjectType, object: { id: number; net_id?: number }): ItemKey {
  if (type === 'net') return KEYS.network.key({ net: object.id });
  if (type === 'poc') return KEYS.contact.key({ net: object.net_id as number, id: object.id });
  if (type === 'netixlan') return KEYS.netixlan.key({ net: object.net_id as number, id: object.id });
  return PLAIN_SOURCE_ENTITIES[type].key({ id: object.id });
}

export const typeListPartition = (type: ObjectType, shard: number) =>
  SOURCE_ENTITIES[type].keys.gsi1.pk.build({ shard });
export { TYPE_LIST_SHARDS };

/** The net a stored poc or netixlan hangs under, read back from its key. */
export function netIdOfKey(key: ItemKey): number | null {
  const parsed = KEYS.network.keys.table.pk.parse(key.pk);
  return parsed ? Number(parsed.net) : null;
}

/** The item of one source object: its fields, its hash and the indexes its type is read through. */
export function sourceItem(type: ObjectType, object: Record<string, unknown>, hash: string) {
  const id = object.id as number;
  const listing = SOURCE_ENTITIES[type].keys.gsi1;
  const item: Record<string, NativeAttributeValue> = {
    ...sourceKey(type, object as { id: number; net_id?: number }),
    entity: SOURCE_ENTITIES[type].entity,
    ...object,
    h: hash,
    gsi1pk: listing.pk.build({ shard: id % SHARDS }),
    gsi1sk: listing.sk.build({ id }),
  };
  if (type === 'net') {
    const net = object as StoredOf<'net'>;
    Object.assign(
      item,
      KEYS.network.index('gsi2', { asn: net.asn, net: net.id }),
      KEYS.network.index('gsi3', { name: nameKey(net.name), net: net.id }),
    );
  } else if (type === 'ix') {
    const ix = object as StoredOf<'ix'>;
    item.search = `${nameKey(ix.name)} ${nameKey(ix.name_long)}`;
    item.city_lc = nameKey(ix.city);
    const order = { name: nameKey(ix.name), id: ix.id };
    Object.assign(
      item,
      KEYS.exchange.index('gsi2', { country: ix.country.toUpperCase(), ...order }),
      KEYS.exchange.index('gsi3', order),
    );
  } else if (type === 'ixpfx') {
    const pfx = object as StoredOf<'ixpfx'>;
    if (pfx.ix_id !== null)
      Object.assign(item, KEYS.exchangePrefix.index('gsi2', { ix: pfx.ix_id, id: pfx.id }));
  } else if (type === 'ixlan') {
    const lan = object as StoredOf<'ixlan'>;
    Object.assign(item, KEYS.exchangeLan.index('gsi2', { ix: lan.ix_id, id: lan.id }));
  } else if (type === 'ixfac') {
    const fac = object as StoredOf<'ixfac'>;
    Object.assign(item, KEYS.exchangeFacility.index('gsi2', { ix: fac.ix_id, id: fac.id }));
  } else if (type === 'netixlan') {
    const row = object as StoredOf<'netixlan'>;
    const v4 = row.ipaddr4 ? normalizeIp(row.ipaddr4) : null;
    const v6 = row.ipaddr6 ? normalizeIp(row.ipaddr6) : null;
    if (v4) Object.assign(item, KEYS.netixlan.index('gsi2', { ipv4: v4, id: row.id }));
    if (v6) Object.assign(item, KEYS.netixlan.index('gsi3', { ipv6: v6, id: row.id }));
  }
  return item;
}

export const memberPartition = (ixId: number) => KEYS.member.keys.table.pk.build({ ix: ixId });
export const memberSortKey = (name: string, netId: number) =>
  KEYS.member.keys.table.sk.build({ name: nameKey(name), net: netId });
export const networkMembershipPartition = (netId: number) => KEYS.member.keys.gsi2.pk.build({ net: netId });
const MEMBERS = KEYS.member.keys.table.sk.prefix();
const networkPartition = (netId: number) => KEYS.network.keys.table.pk.build({ net: netId });
const NETWORK_SK = KEYS.network.keys.table.sk.build({});
const CONTACTS = KEYS.contact.keys.table.sk.prefix();
const PRESENCES = KEYS.netixlan.keys.table.sk.prefix();
const NETWORK_NAMES = KEYS.network.keys.gsi3.pk.build({});
const EXCHANGE_NAMES = KEYS.exchange.keys.gsi3.pk.build({});

/** The derived item behind a page of peers: the network with its rows at this exchange and its contacts. */
export function memberItem(ixId: number, member: ExchangeMember, hash: string) {
  const memberKey = { ix: ixId, name: nameKey(member.network.name), net: member.network.id };
  return {
    ...KEYS.member.key(memberKey),
    entity: KEYS.member.entity,
    ix_id: ixId,
    net_id: member.network.id,
    network: member.network,
    presences: member.presences,
    contacts: member.contacts,
    h: hash,
    ...KEYS.member.index('gsi2', memberKey),
  };
}

const StoredMemberSchema = z.object({
  network: NetworkSchema,
  presences: z.array(PresenceSchema),
  contacts: z.array(ContactSchema),
});

function toMember(item: Record<string, unknown>): ExchangeMember {
  const parsed = parseItem(StoredMemberSchema, 'exchange member', item);
  return { network: parsed.network, presences: parsed.presences, contacts: parsed.contacts };
}

async function getSource<T extends z.ZodMiniType>(
  schema: T,
  kind: string,
  key: ItemKey,
): Promise<z.infer<T> | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: key }));
  return out.Item ? parseItem(schema, kind, withoutKeys(out.Item)) : undefined;
}

/** A network's partition: the network, its contacts and its netixlan rows, read consistently. */
export async function readNetworkPartition(netId: number): Promise<{
  network: Network | undefined;
  contacts: Contact[];
  presences: Presence[];
}> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': networkPartition(netId) },
    ConsistentRead: true,
  });
  let network: Network | undefined;
  const contacts: Contact[] = [];
  const presences: Presence[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === NETWORK_SK) network = parseItem(NetworkSchema, 'network', withoutKeys(item));
    else if (sk.startsWith(CONTACTS)) contacts.push(parseItem(ContactSchema, 'contact', withoutKeys(item)));
    else if (sk.startsWith(PRESENCES))
      presences.push(parseItem(PresenceSchema, 'netixlan', withoutKeys(item)));
  }
  return { network, contacts: orderContacts(contacts), presences };
}

/** Networks by id, a hundred per BatchGet, read consistently; missing ones are left out. */
export async function getNetworks(netIds: number[]): Promise<Map<number, Network>> {
  const found = new Map<number, Network>();
  for (let i = 0; i < netIds.length; i += 100) {
    let keys: Record<string, NativeAttributeValue>[] = netIds
      .slice(i, i + 100)
      .map((id) => sourceKey('net', { id }));
    for (let attempt = 1; keys.length > 0; attempt++) {
      const out = await ddb().send(
        new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[tableName()] ?? []) {
        const network = parseItem(NetworkSchema, 'network', withoutKeys(item));
        found.set(network.id, network);
      }
      keys = out.UnprocessedKeys?.[tableName()]?.Keys ?? [];
      if (keys.length > 0) await sleep(backoffDelay(attempt, { baseMs: 50, capMs: 2000 }));
    }
  }
  return found;
}

/** The networks that have a member item at an exchange. */
export async function memberNetIds(ixId: number): Promise<number[]> {
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
    ExpressionAttributeValues: { ':pk': memberPartition(ixId), ':m': MEMBERS },
    ProjectionExpression: 'net_id',
  });
  return items.map((i) => i.net_id as number);
}

export interface ExchangeSearch {
  name?: string;
  country?: string;
  city?: string;
}

export interface PeeringDbRepository extends PeeringDbReader {
  getExchangeFacilities(ixId: number): Promise<ExchangeFacility[]>;
  countExchangeMembers(ixId: number): Promise<number>;
  searchExchanges(search: ExchangeSearch, page: { limit: number; cursor?: string }): Promise<Page<Exchange>>;
  searchNetworks(
    search: { asn?: number; name?: string },
    page: { limit: number; cursor?: string },
  ): Promise<Page<Network>>;
  /** Whether any PeeringDB data was ever synced (a cheap probe of the network list). */
  hasData(): Promise<boolean>;
}

const byAsn = (asn: number) => ({
  IndexName: 'gsi2',
  KeyConditionExpression: 'gsi2pk = :pk',
  ExpressionAttributeValues: { ':pk': KEYS.network.keys.gsi2.pk.build({ asn }) },
});

export const peeringDb: PeeringDbRepository = {
  getExchange: (ixId) => getSource(ExchangeSchema, 'exchange', sourceKey('ix', { id: ixId })),

  async getExchangePrefixes(ixId) {
    const items = await queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.exchangePrefix.keys.gsi2.pk.build({ ix: ixId }) },
    });
    return items.map((i) => parseItem(ExchangePrefixSchema, 'ixpfx', withoutKeys(i)) as ExchangePrefix);
  },

  async getRouteServerAsns(ixId) {
    const items = await queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.exchangeLan.keys.gsi2.pk.build({ ix: ixId }) },
    });
    const lans = items.map((i) => parseItem(ExchangeLanSchema, 'ixlan', withoutKeys(i)));
    return lans.flatMap((lan) => (lan.rs_asn === null ? [] : [lan.rs_asn]));
  },

  async getExchangeFacilities(ixId) {
    const items = await queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS.exchangeFacility.keys.gsi2.pk.build({ ix: ixId }) },
    });
    return items.map((i) => parseItem(ExchangeFacilitySchema, 'ixfac', withoutKeys(i)));
  },

  getNetwork: (netId) => getSource(NetworkSchema, 'network', sourceKey('net', { id: netId })),

  async getNetworkByAsn(asn) {
    const items = await queryAll(byAsn(asn));
    // Two nets never share an ASN in PeeringDB; if a sync is midway through a swap, the lowest id wins.
    const first = items[0];
    return first ? parseItem(NetworkSchema, 'network', withoutKeys(first)) : undefined;
  },

  async getNetworkContacts(netId) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :poc)',
      ExpressionAttributeValues: { ':pk': networkPartition(netId), ':poc': CONTACTS },
    });
    return orderContacts(items.map((i) => parseItem(ContactSchema, 'contact', withoutKeys(i))));
  },

  async getNetworkPresences(netId) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :row)',
      ExpressionAttributeValues: { ':pk': networkPartition(netId), ':row': PRESENCES },
    });
    return items.map((i) => parseItem(PresenceSchema, 'netixlan', withoutKeys(i)));
  },

  async listExchangeMembers(ixId, page) {
    const pk = memberPartition(ixId);
    const { data, next_cursor } = await queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':pk': pk, ':m': MEMBERS },
      },
      page,
      { attribute: 'pk', value: pk },
      toMember,
    );
    return { members: data, next_cursor };
  },

  async allExchangeMembers(ixId) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
      ExpressionAttributeValues: { ':pk': memberPartition(ixId), ':m': MEMBERS },
    });
    return items.map(toMember);
  },

  async getExchangeMember(ixId, netId) {
    const items = await queryAll({
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk = :ix',
      ExpressionAttributeValues: {
        ':pk': networkMembershipPartition(netId),
        ':ix': KEYS.member.keys.gsi2.sk.build({ ix: ixId }),
      },
    });
    const first = items[0];
    return first ? toMember(first) : undefined;
  },

  countExchangeMembers(ixId) {
    return queryCount({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
      ExpressionAttributeValues: { ':pk': memberPartition(ixId), ':m': MEMBERS },
    });
  },

  async findPrefixesHolding(ip) {
    const normalized = normalizeIp(ip);
    if (!normalized) return [];
    // Prefixes have no index by address: the per-type listing of every prefix (a few thousand at
    // PeeringDB's size) is read, only when an address is at no exchange PeeringDB lists it at.
    const shards = await Promise.all(
      Array.from({ length: TYPE_LIST_SHARDS }, (_, shard) =>
        queryAll({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': typeListPartition('ixpfx', shard) },
        }),
      ),
    );
    return shards
      .flat()
      .map((i) => parseItem(ExchangePrefixSchema, 'ixpfx', withoutKeys(i)) as ExchangePrefix)
      .filter((p) => inAnyPrefix(normalized, [p.prefix]))
      .sort((a, b) => a.ix_id - b.ix_id);
  },

  async findPresencesByIp(ip) {
    const normalized = normalizeIp(ip);
    if (!normalized) return [];
    const v6 = normalized.includes(':');
    const index = v6 ? 'gsi3' : 'gsi2';
    const items = await queryAll({
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk`,
      ExpressionAttributeValues: {
        ':pk': v6
          ? KEYS.netixlan.keys.gsi3.pk.build({ ipv6: normalized })
          : KEYS.netixlan.keys.gsi2.pk.build({ ipv4: normalized }),
      },
    });
    return items.map((i) => parseItem(PresenceSchema, 'netixlan', withoutKeys(i)));
  },

  async searchExchanges(search, page) {
    const country = search.country?.trim().toUpperCase();
    const pk = country ? KEYS.exchange.keys.gsi2.pk.build({ country }) : EXCHANGE_NAMES;
    const index = country ? 'gsi2' : 'gsi3';
    const filters: string[] = [];
    const values: Record<string, string> = { ':pk': pk };
    if (search.name) {
      filters.push('contains(#search, :name)');
      values[':name'] = nameKey(search.name);
    }
    if (search.city) {
      filters.push('city_lc = :city');
      values[':city'] = nameKey(search.city);
    }
    return filledPage(
      {
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(search.name ? { ExpressionAttributeNames: { '#search': 'search' } } : {}),
        ExpressionAttributeValues: values,
      },
      page,
      { attribute: `${index}pk`, value: pk },
      (i) => parseItem(ExchangeSchema, 'exchange', withoutKeys(i)),
    );
  },

  async searchNetworks(search, page) {
    if (search.asn !== undefined) {
      const items = await queryAll(byAsn(search.asn));
      const networks = items.map((i) => parseItem(NetworkSchema, 'network', withoutKeys(i)));
      const named = search.name
        ? networks.filter((n) => nameKey(n.name).startsWith(nameKey(search.name ?? '')))
        : networks;
      return { data: named, next_cursor: null };
    }
    const values: Record<string, string> = { ':pk': NETWORK_NAMES };
    let condition = 'gsi3pk = :pk';
    // A name of blanks only names nothing: every network matches (DynamoDB refuses an empty prefix).
    const name = search.name ? nameKey(search.name) : '';
    if (name) {
      condition += ' AND begins_with(gsi3sk, :name)';
      values[':name'] = NETWORK_ORDER.prefix({ name }, 'name');
    }
    return filledPage(
      { IndexName: 'gsi3', KeyConditionExpression: condition, ExpressionAttributeValues: values },
      page,
      { attribute: 'gsi3pk', value: NETWORK_NAMES },
      (i) => parseItem(NetworkSchema, 'network', withoutKeys(i)),
    );
  },

  async hasData() {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk',
        ExpressionAttributeValues: { ':pk': EXCHANGE_NAMES },
        Limit: 1,
      }),
    );
    return (out.Items ?? []).length > 0;
  },
};

/**
 * A page that a filter may thin out: keep reading until the page is full or the index ends, so a
 * caller never gets an empty page with a cursor. The cursor is the last key returned, not the
 * last key read, so nothing is skipped.
 */
async function filledPage<T>(
  input: QueryInput,
  page: { limit: number; cursor?: string },
  expect: { attribute: string; value: string },
  parse: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const data: T[] = [];
  let lastKey: Record<string, unknown> | undefined;
  let start: Record<string, unknown> | undefined = decodeCursor(page.cursor, expect);
  const keyOf = (item: Record<string, unknown>) => {
    const key: Record<string, unknown> = { pk: item.pk, sk: item.sk };
    key[expect.attribute] = item[expect.attribute];
    const sortAttribute = expect.attribute.replace(/pk$/, 'sk');
    key[sortAttribute] = item[sortAttribute];
    return key;
  };
  do {
    const out = await ddb().send(
      new QueryCommand({ TableName: tableName(), ...input, Limit: page.limit, ExclusiveStartKey: start }),
    );
    const items = out.Items ?? [];
    let index = 0;
    for (; index < items.length && data.length < page.limit; index++) {
      const item = items[index] as Record<string, unknown>;
      data.push(parse(item));
      lastKey = keyOf(item);
    }
    start = out.LastEvaluatedKey;
    if (data.length === page.limit) {
      const more = index < items.length || start !== undefined;
      return { data, next_cursor: more ? encodeCursor(lastKey) : null };
    }
  } while (start);
  return { data, next_cursor: null };
}
