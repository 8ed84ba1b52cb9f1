import type * as z from '../platform/zod';
import type { ExchangeDetailSchema, ExchangeSummarySchema, PresenceBodySchema } from './exchanges-routes';
import { type ErrorDetail, NotFoundError, ValidationError } from '../platform/errors';
import { decodeCursor, encodeCursor, type Page } from '../platform/storage/pagination';
import { type ExchangeSearch, peeringDb, type Exchange } from '../peeringdb';
import { presenceOverridesRepository } from './presence-store';
import { routersRepository } from '../routers';
import { getSettings } from '../settings';
import { someoneElsesAddress } from './address-owner';
import { canonicalIp, ipVersion, outsidePrefixes } from '../kernel';
import { type OwnPresence, ownPresence, ownPresences } from './own-presence';

type ExchangeSummary = z.infer<typeof ExchangeSummarySchema>;
type ExchangeDetail = z.infer<typeof ExchangeDetailSchema>;

function summary(ix: Exchange, present: boolean): ExchangeSummary {
  return {
    public_id: ix.id,
    public_name: ix.name,
    name_long: ix.name_long,
    city: ix.city,
    country: ix.country,
    region_continent: ix.region_continent,
    media: ix.media,
    website: ix.website,
    proto_unicast: ix.proto_unicast,
    proto_ipv6: ix.proto_ipv6,
    present,
    updated: ix.updated,
  };
}

const matches = (ix: Exchange, search: ExchangeSearch) =>
  (!search.name || `${ix.name} ${ix.name_long}`.toLowerCase().includes(search.name.trim().toLowerCase())) &&
  (!search.country || ix.country.toUpperCase() === search.country.toUpperCase()) &&
  (!search.city || ix.city.trim().toLowerCase() === search.city.trim().toLowerCase());

export async function listExchanges(
  search: ExchangeSearch & { present?: boolean },
  page: { limit: number; cursor?: string },
): Promise<Page<ExchangeSummary>> {
  const own = await ownPresences();
  const presentAt = new Set(own.map((p) => p.public_id));
  if (search.present === true) return listPresent(own, search, page);
  if (search.present === false) {
    // Only a handful are ours: read pages until the page is full of the others.
    const data: ExchangeSummary[] = [];
    let cursor = page.cursor;
    do {
      const next = await peeringDb.searchExchanges(search, { limit: page.limit, cursor });
      for (const ix of next.data)
        if (!presentAt.has(ix.id) && data.length < page.limit) data.push(summary(ix, false));
      cursor = next.next_cursor ?? undefined;
      if (data.length === page.limit) return { data, next_cursor: cursor ?? null };
    } while (cursor);
    return { data, next_cursor: null };
  }
  const found = await peeringDb.searchExchanges(search, page);
  return { data: found.data.map((ix) => summary(ix, presentAt.has(ix.id))), next_cursor: found.next_cursor };
}

/** Our own exchanges are few: filtered in memory, ordered by name, paged by position. */
async function listPresent(
  own: OwnPresence[],
  search: ExchangeSearch,
  page: { limit: number; cursor?: string },
): Promise<Page<ExchangeSummary>> {
  const start = Number(decodeCursor(page.cursor, { attribute: 'list', value: 'present' })?.offset ?? 0);
  if (!Number.isInteger(start) || start < 0) {
    throw new ValidationError('Invalid cursor', [
      { path: 'query.cursor', message: 'not a cursor this list issued' },
    ]);
  }
  const exchanges = (await Promise.all(own.map((p) => peeringDb.getExchange(p.public_id))))
    .filter((ix): ix is Exchange => ix !== undefined && matches(ix, search))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
  const data = exchanges.slice(start, start + page.limit).map((ix) => summary(ix, true));
  const end = start + data.length;
  return {
    data,
    next_cursor: end < exchanges.length ? encodeCursor({ list: 'present', offset: end }) : null,
  };
}

export async function getExchangeDetail(publicId: number): Promise<ExchangeDetail> {
  const ix = await peeringDb.getExchange(publicId);
  if (!ix) throw new NotFoundError(`Exchange ${publicId} is not in the PeeringDB data`);
  const [prefixes, facilities, memberCount, presence] = await Promise.all([
    peeringDb.getExchangePrefixes(publicId),
    peeringDb.getExchangeFacilities(publicId),
    peeringDb.countExchangeMembers(publicId),
    ownPresence(publicId),
  ]);
  return {
    ...summary(ix, presence !== undefined),
    org_id: ix.org_id,
    tech_email: ix.tech_email,
    policy_email: ix.policy_email,
    created: ix.created,
    prefixes: prefixes
      .sort((a, b) => a.protocol.localeCompare(b.protocol) || a.id - b.id)
      .map((p) => ({ protocol: p.protocol, prefix: p.prefix, in_dfz: p.in_dfz })),
    facilities: facilities
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => ({ fac_id: f.fac_id, name: f.name, city: f.city, country: f.country })),
    member_count: memberCount,
    presence: presence ?? null,
  };
}

export async function setPresence(
  publicId: number,
  body: z.infer<typeof PresenceBodySchema>,
  user: { email: string },
): Promise<OwnPresence> {
  const ix = await peeringDb.getExchange(publicId);
  if (!ix) throw new NotFoundError(`Exchange ${publicId} is not in the PeeringDB data`);
  await checkPresence(ix, body);
  const previous = await presenceOverridesRepository.get(publicId);
  const normalize = (ips: string[] | undefined) =>
    ips === undefined ? undefined : [...new Set(ips.map((ip) => canonicalIp(ip) ?? ip))];
  const ipaddr4 = normalize(body.ipaddr4) ?? previous?.ipaddr4;
  const ipaddr6 = normalize(body.ipaddr6) ?? previous?.ipaddr6;
  const routerId = body.router_id !== undefined ? body.router_id : previous?.router_id;
  await presenceOverridesRepository.put({
    public_id: publicId,
    ...(routerId !== undefined ? { router_id: routerId } : {}),
    ...(ipaddr4 ? { ipaddr4 } : {}),
    ...(ipaddr6 ? { ipaddr6 } : {}),
    modified: new Date().toISOString(),
    modified_by: user.email,
  });
  const presence = await ownPresence(publicId);
  if (!presence) throw new Error(`presence at ${publicId} vanished after it was written`);
  return presence;
}

/**
 * Our addresses must lie in the exchange's PeeringDB prefixes of their family (as a session's do)
 * and not be another network's there in PeeringDB, and the router must exist: they go out in
 * peering requests and become our side of new sessions.
 */
async function checkPresence(ix: Exchange, body: z.infer<typeof PresenceBodySchema>): Promise<void> {
  const [prefixes, router] = await Promise.all([
    body.ipaddr4 || body.ipaddr6
      ? peeringDb.getExchangePrefixes(ix.id).then((rows) => rows.map((p) => p.prefix))
      : [],
    typeof body.router_id === 'string' ? routersRepository.get(body.router_id, true) : undefined,
  ]);
  const ourNetwork = (await getSettings()).source_participant_id;
  const details: ErrorDetail[] = [];
  for (const [field, family] of [
    ['ipaddr4', 'ipv4'],
    ['ipaddr6', 'ipv6'],
  ] as const) {
    for (const [i, ip] of (body[field] ?? []).entries()) {
      const wrong =
        ipVersion(ip) === family
          ? (outsidePrefixes(ip, ix.name, prefixes) ??
            (await someoneElsesAddress(ip, ix.id, ourNetwork, peeringDb)))
          : `${ip} is not an ${family} address`;
      if (wrong) details.push({ path: `body.${field}.${i}`, message: wrong });
    }
  }
  if (typeof body.router_id === 'string' && !router) {
    details.push({ path: 'body.router_id', message: `No router ${body.router_id}` });
  }
  if (details.length > 0) {
    throw new ValidationError(`The presence does not fit exchange ${ix.name}`, details);
  }
}

export async function clearPresence(publicId: number): Promise<void> {
  const removed = await presenceOverridesRepository.remove(publicId);
  if (!removed) throw new NotFoundError(`No presence override at exchange ${publicId}`);
}
