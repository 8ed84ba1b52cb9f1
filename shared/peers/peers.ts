import * as z from '../platform/zod';
import type { OnePeerQueryInput, Peer, PeerFilters, PeerListQueryInput, UpdatePeerInput } from './routes';
import { type PeerRowFilter, peerRowsRepository } from './peer-rows-store';
import { refreshPeerRows, rulesDigest } from './peer-rows';
import { NotFoundError, ValidationError } from '../platform/errors';
import { type Page, readCursor, writeCursor } from '../platform/storage/pagination';
import { memberPosition } from '../platform/storage/keys';
import {
  emptyPeerState,
  type ExchangePeerState,
  type PeerState,
  type PeerStateChanges,
  peerStateRepository,
} from './peer-state-store';
import type { PeerLogEntry, PeerLogInput } from '../peer-log';
import { peeringDb, type Exchange, type ExchangeMember } from '../peeringdb';
import { listSessionStatesAtExchange, isPeer } from '../sessions';
import { getSettings, type Settings } from '../settings';
import {
  buildPeer,
  compareOrder,
  type Embeds,
  hasFilters,
  isHidden,
  isOwnNetwork,
  matchesFilters,
  memberOrder,
  orderKey,
  type PeerViewContext,
} from './peer-view';

/**
 * Peers at an exchange: PeeringDB members joined with our state of each (request status, notes,
 * override, log), qualification and `is_peer`. A page costs a fixed number of DynamoDB requests, made
 * in parallel: one Query of the member page, one of our state from the same place in member order
 * (as many states as the page has members at most, so its cost follows the page, not the exchange),
 * one of the sessions at the exchange, one of the exchange's LANs for its route-server ASNs (and
 * the settings, when the warm container's copy is older than a few seconds). A list that embeds the log, or that filters and so looks at every member,
 * reads our whole state at the exchange instead, in the same single Query as before.
 */

/**
 * Our cursor: where the last page ended, plus the reader's own cursor when paging straight through
 * it. The client gets it sealed to this list (the exchange, the filters, hidden peers or not).
 */
const CursorSchema = z.object({
  after: z.tuple([z.string().check(z.maxLength(400)), z.int()]),
  page: z.optional(z.string().check(z.maxLength(2048))),
});
type Cursor = z.infer<typeof CursorSchema>;

const writeListCursor: (cursor: Cursor) => string = writeCursor;

/** Extra reads to refill a page after hidden peers dropped out of it. */
const MAX_TOP_UPS = 3;

interface ExchangeContext {
  exchange: Exchange;
  settings: Settings;
}

async function exchangeContext(publicId: number): Promise<ExchangeContext> {
  const [exchange, settings] = await Promise.all([peeringDb.getExchange(publicId), getSettings()]);
  if (!exchange) throw new NotFoundError(`Exchange ${publicId} not found`);
  return { exchange, settings };
}

/** Session states per participant at one exchange, for `is_peer`. */
async function sessionStatesAt(publicId: number): Promise<Map<number, string[]>> {
  const byPeer = new Map<number, string[]>();
  for (const s of await listSessionStatesAtExchange(publicId)) {
    const states = byPeer.get(s.peer_participant_id) ?? [];
    states.push(s.state);
    byPeer.set(s.peer_participant_id, states);
  }
  return byPeer;
}

interface StateForPage extends ExchangePeerState {
  /** Makes sure the state of these members (next in member order) has been read. */
  cover(members: readonly ExchangeMember[]): Promise<void>;
}

/**
 * Our state of the peers from `after` on, in member order, read as far as the page goes: the first
 * Query (issued beside the members' own) reads as many states as the page has members, which covers
 * the page whenever each state belongs to a member of it. A state whose member left the exchange can
 * push the end of that read before the end of the page; `cover` then reads on from there.
 */
async function pageState(publicId: number, after: string | undefined, limit: number): Promise<StateForPage> {
  const first = await peerStateRepository.readInOrder(publicId, after, limit);
  const states = first.states;
  let coveredTo = first.coveredTo;
  return {
    states,
    logs: new Map(),
    async cover(members) {
      const last = members.at(-1);
      if (!last) return;
      const until = orderKey(memberOrder(last));
      while (coveredTo !== null && coveredTo < until) {
        const more = await peerStateRepository.readInOrder(publicId, coveredTo, members.length);
        for (const [id, state] of more.states) states.set(id, state);
        coveredTo = more.coveredTo;
      }
    },
  };
}

/** Our state of every peer at the exchange (and their logs when asked for), in one Query. */
async function wholeExchangeState(publicId: number, withLogs: boolean): Promise<StateForPage> {
  const all = await peerStateRepository.readExchange(publicId, { withLogs });
  return { ...all, cover: async () => undefined };
}

function viewContext(
  publicId: number,
  settings: Settings,
  routeServerAsns: readonly number[],
  embeds: Embeds,
): PeerViewContext {
  return {
    publicId,
    rules: settings.qualification,
    ownAsn: settings.source_asn,
    routeServerAsns: new Set(routeServerAsns),
    embeds,
  };
}

/**
 * The filters the peer rows are indexed by, the one to read first: the values that usually hold
 * fewest peers first (a request status other than none, `is_peer=true`), so that the others, which
 * narrow the page on the server, drop as few rows as they can.
 */
function indexedFilters(filters: PeerFilters): PeerRowFilter[] {
  const out: [rank: number, PeerRowFilter][] = [];
  const status = filters.request_status;
  if (status !== undefined)
    out.push([status === 'none' ? 3 : 0, { index: 'gsi2', field: 'request_status', value: status }]);
  if (filters.is_peer !== undefined)
    out.push([filters.is_peer ? 1 : 4, { index: 'gsi3', field: 'is_peer', value: filters.is_peer }]);
  if (filters.qualified !== undefined)
    out.push([2, { index: 'gsi1', field: 'qualified', value: filters.qualified }]);
  return out.sort((a, b) => a[0] - b[0]).map(([, f]) => f);
}

/**
 * An exchange's route-server ASNs, kept a few seconds by a warm container like the settings: they
 * change only with a PeeringDB sync, and a filtered page then reads nothing but its rows and the
 * exchange's build record.
 */
const RS_CACHE_MS = 5_000;
const routeServerCache = new Map<number, { asns: Promise<number[]>; at: number }>();
function routeServerAsnsOf(publicId: number): Promise<number[]> {
  const hit = routeServerCache.get(publicId);
  if (hit && Date.now() - hit.at < RS_CACHE_MS) return hit.asns;
  const asns = peeringDb.getRouteServerAsns(publicId);
  if (routeServerCache.size > 1000) routeServerCache.clear();
  routeServerCache.set(publicId, { asns, at: Date.now() });
  asns.catch(() => routeServerCache.delete(publicId));
  return asns;
}

/**
 * A page filtered on the verdict, the request status or `is_peer`, read from the peer rows: one
 * Query of the filter's partition from where the last page ended, beside the exchange's build
 * record and route-server ASNs. Undefined when the rows are not built under the rules this call
 * reads (PeeringDB changed the members, or the rules changed, and the rebuild has not finished):
 * the caller reads the members instead. Each peer is checked again against every filter as it is
 * shown, so a row written under other inputs can only leave a page, never show wrongly.
 */
async function pageFromRows(
  publicId: number,
  indexed: readonly PeerRowFilter[],
  filters: PeerFilters,
  page: { cursor: Cursor | undefined; limit: number; includeHidden: boolean; embeds: Embeds },
): Promise<Page<Peer> | undefined> {
  const [first, ...more] = indexed as [PeerRowFilter, ...PeerRowFilter[]];
  const now = new Date();
  const [settings, routeServerAsns, build, rows] = await Promise.all([
    getSettings(),
    routeServerAsnsOf(publicId),
    peerRowsRepository.build(publicId),
    peerRowsRepository.page(publicId, first, more, {
      after: page.cursor && orderKey(page.cursor.after),
      // One more than the page: when it comes, the page is full and the next one starts after it.
      limit: page.limit + 1,
      visibleAt: page.includeHidden ? undefined : now.toISOString(),
    }),
  ]);
  if (build.rules === undefined || build.rules !== rulesDigest(settings, routeServerAsns)) return undefined;
  const ctx = viewContext(publicId, settings, routeServerAsns, page.embeds);
  const full = rows.rows.length > page.limit;
  const shown = full ? rows.rows.slice(0, page.limit) : rows.rows;
  const data: Peer[] = [];
  for (const row of shown) {
    const member = { network: row.network, presences: row.presences, contacts: row.contacts };
    if (isOwnNetwork(member, settings)) continue;
    const peer = buildPeer({ member, state: row.state, isPeer: row.is_peer, log: [] }, ctx);
    if (matchesFilters(peer, filters)) data.push(peer);
  }
  const lastShown = shown.at(-1);
  const after = full && lastShown ? memberPosition(lastShown.network.name, lastShown.net_id) : rows.last;
  return { data, next_cursor: after ? writeListCursor({ after }) : null };
}

export async function listPeers(publicId: number, query: PeerListQueryInput): Promise<Page<Peer>> {
  const {
    limit,
    cursor: rawCursor,
    include_public_ips,
    include_contacts,
    include_log_data,
    include_hidden,
    ...filters
  } = query;
  const cursor = readCursor(CursorSchema, rawCursor);
  const embeds: Embeds = {
    publicIps: include_public_ips ?? false,
    contacts: include_contacts ?? false,
    log: include_log_data ?? false,
  };
  const indexed = indexedFilters(filters);
  if (indexed.length > 0 && !embeds.log) {
    const fromRows = await pageFromRows(publicId, indexed, filters, {
      cursor,
      limit,
      includeHidden: include_hidden === true,
      embeds,
    });
    if (fromRows) return fromRows;
  }
  const filtered = hasFilters(filters);
  const straight = !filtered && (cursor === undefined || cursor.page !== undefined);
  // Straight through pages without the log, the state is read page by page in member order.
  const paged = straight && !embeds.log;
  const [settings, routeServerAsns, peerState, sessions, firstPage] = await Promise.all([
    getSettings(),
    peeringDb.getRouteServerAsns(publicId),
    paged
      ? pageState(publicId, cursor && orderKey(cursor.after), limit)
      : wholeExchangeState(publicId, embeds.log),
    sessionStatesAt(publicId),
    straight ? peeringDb.listExchangeMembers(publicId, { limit, cursor: cursor?.page }) : undefined,
  ]);
  const now = new Date();
  const ctx = viewContext(publicId, settings, routeServerAsns, embeds);
  const visible = (state: PeerState) => include_hidden === true || !isHidden(state, now);
  const view = (member: ExchangeMember): Peer | undefined => {
    if (isOwnNetwork(member, settings)) return undefined;
    const id = member.network.id;
    const state = peerState.states.get(id) ?? emptyPeerState(publicId, id);
    if (!visible(state)) return undefined;
    return buildPeer(
      { member, state, isPeer: isPeer(sessions.get(id) ?? []), log: peerState.logs.get(id) ?? [] },
      ctx,
    );
  };

  if (firstPage) {
    // Members prove the exchange exists; only an empty page needs to look it up to tell a 404.
    if (firstPage.members.length === 0) await exchangeContext(publicId);
    // Straight through the reader's pages. Members left out (our own network, hidden peers) are made
    // up for by reading that many more, a few times at most, so pages stay full at a bounded cost.
    const data: Peer[] = [];
    let page = firstPage;
    let last: ExchangeMember | undefined;
    for (let topUps = 0; ; topUps++) {
      await peerState.cover(page.members);
      let dropped = 0;
      for (const member of page.members) {
        const peer = view(member);
        if (peer) data.push(peer);
        else dropped += 1;
        last = member;
      }
      if (dropped === 0 || !page.next_cursor || topUps === MAX_TOP_UPS) break;
      page = await peeringDb.listExchangeMembers(publicId, { limit: dropped, cursor: page.next_cursor });
    }
    return {
      data,
      next_cursor:
        page.next_cursor && last
          ? writeListCursor({ after: memberOrder(last), page: page.next_cursor })
          : null,
    };
  }

  // Filters need every member: filter them all, then page through the matches.
  const all = await peeringDb.allExchangeMembers(publicId);
  if (all.length === 0) await exchangeContext(publicId);
  const ordered = all
    .map((member) => ({ member, order: memberOrder(member) }))
    .filter(({ order }) => cursor === undefined || compareOrder(order, cursor.after) > 0)
    .sort((a, b) => compareOrder(a.order, b.order));
  const data: Peer[] = [];
  let lastOrder: [string, number] | undefined;
  let more = false;
  for (const { member, order } of ordered) {
    const peer = view(member);
    if (!peer || !matchesFilters(peer, filters)) continue;
    if (data.length === limit) {
      more = true;
      break;
    }
    data.push(peer);
    lastOrder = order;
  }
  return { data, next_cursor: more && lastOrder ? writeListCursor({ after: lastOrder }) : null };
}

interface OnePeer {
  exchange: Exchange;
  settings: Settings;
  routeServerAsns: number[];
  member: ExchangeMember;
  state: PeerState;
  log: PeerLogEntry[];
  isPeer: boolean;
}

async function loadPeer(publicId: number, participantId: number): Promise<OnePeer> {
  const [{ exchange, settings }, routeServerAsns, member, stored, sessions] = await Promise.all([
    exchangeContext(publicId),
    peeringDb.getRouteServerAsns(publicId),
    peeringDb.getExchangeMember(publicId, participantId),
    peerStateRepository.readPeer(publicId, participantId),
    sessionStatesAt(publicId),
  ]);
  if (member && isOwnNetwork(member, settings)) {
    throw new NotFoundError(
      `Network ${participantId} (${member.network.name}) is our own network, not a peer`,
    );
  }
  if (!member) {
    const network = await peeringDb.getNetwork(participantId);
    throw new NotFoundError(
      network
        ? `Network ${participantId} (${network.name}) is not a peer at exchange ${publicId} (${exchange.name})`
        : `Network ${participantId} not found`,
    );
  }
  return {
    exchange,
    settings,
    routeServerAsns,
    member,
    state: stored.state,
    log: stored.log,
    isPeer: isPeer(sessions.get(participantId) ?? []),
  };
}

function fullView(peer: OnePeer, publicId: number, include: OnePeerQueryInput = {}): Peer {
  const embeds: Embeds = {
    publicIps: include.include_public_ips ?? true,
    contacts: include.include_contacts ?? true,
    log: include.include_log_data ?? true,
  };
  return buildPeer(
    { member: peer.member, state: peer.state, isPeer: peer.isPeer, log: peer.log },
    viewContext(publicId, peer.settings, peer.routeServerAsns, embeds),
  );
}

export async function getPeer(
  publicId: number,
  participantId: number,
  include: OnePeerQueryInput = {},
): Promise<Peer> {
  return fullView(await loadPeer(publicId, participantId), publicId, include);
}

export async function updatePeer(
  publicId: number,
  participantId: number,
  input: UpdatePeerInput,
  user: string,
): Promise<Peer> {
  const peer = await loadPeer(publicId, participantId);
  const time = new Date().toISOString();
  const changes: PeerStateChanges = {};
  const messages: string[] = [];

  if (input.notes_private !== undefined) {
    changes.notes_private = input.notes_private === '' ? null : input.notes_private;
    messages.push(changes.notes_private === null ? 'Private notes cleared' : 'Private notes updated');
  }
  if (input.qualification_override !== undefined) {
    const o = input.qualification_override;
    changes.qualification_override = o && { qualified: o.qualified, reason: o.reason, user, time };
    messages.push(
      o
        ? `Qualification overridden: ${o.qualified ? 'qualified' : 'not qualified'} (${o.reason})`
        : 'Qualification override removed',
    );
  }
  if (input.preferred_contact_id !== undefined) {
    const id = input.preferred_contact_id;
    const contact = id === null ? undefined : peer.member.contacts.find((c) => c.id === id);
    if (id !== null && !contact) {
      throw new ValidationError('Unknown contact', [
        {
          path: 'body.preferred_contact_id',
          message: `contact ${id} is not a PeeringDB contact of network ${participantId}`,
        },
      ]);
    }
    changes.preferred_contact_id = id;
    messages.push(
      contact ? `Preferred contact set: ${contact.role} ${contact.name}` : 'Preferred contact cleared',
    );
  }
  if (input.hidden_until !== undefined) {
    changes.hidden_until = input.hidden_until === null ? null : new Date(input.hidden_until).toISOString();
    messages.push(changes.hidden_until === null ? 'Shown again' : `Hidden until ${changes.hidden_until}`);
  }

  const log: PeerLogInput[] = messages.map((message) => ({
    public_id: publicId,
    participant_id: participantId,
    message,
    user,
  }));
  await peerStateRepository.change(
    { publicId, participantId, name: peer.member.network.name },
    changes,
    log,
    time,
  );
  await refreshPeerRows([{ publicId, participantId }]);
  return getPeer(publicId, participantId);
}

export async function resetPeerStatus(publicId: number, participantId: number, user: string): Promise<Peer> {
  const peer = await loadPeer(publicId, participantId);
  await peerStateRepository.reset({ publicId, participantId, name: peer.member.network.name }, user);
  await refreshPeerRows([{ publicId, participantId }]);
  return getPeer(publicId, participantId);
}

export async function listCommunications(publicId: number, query: { limit: number; cursor?: string }) {
  const page = await listPeers(publicId, {
    limit: query.limit,
    cursor: query.cursor,
    include_log_data: true,
    include_hidden: true,
  });
  return {
    data: page.data.map((p) => ({
      id: p.id,
      public_id: p.public_id,
      asn: p.asn,
      name: p.name,
      request_status: p.request_status,
      request_status_time: p.request_status_time,
      qualified: p.qualified,
      qualification_reasons: p.qualification_reasons,
      is_peer: p.is_peer,
      log_data: p.log_data ?? [],
    })),
    next_cursor: page.next_cursor,
  };
}
