import { ConflictError, type ErrorDetail, NotFoundError, ValidationError } from '../platform/errors';
import { sessionPasswords } from '../platform/secrets/session-passwords';
import { retryWhileRaced } from '../platform/concurrency';
import { peerLogItem } from '../peer-log';
import type { TransactItem } from '../platform/storage/items';
import { peeringDb, type Exchange, type Network, type PeeringDbReader, type Presence } from '../peeringdb';
import { presenceOverridesRepository, someoneElsesAddress } from '../exchanges';
import { routersRepository, type StoredRouter } from '../routers';
import {
  DuplicateSessionError,
  NOT_POLLED,
  RouterGoneError,
  StaleSessionError,
  type StoredSession,
  sessionsRepository,
} from './sessions-store';
import { passwordLimit } from '../config-render';
import { getSettings } from '../settings';
import { canonicalIp, type IpType, ipVersion, outsidePrefixes, type SessionState } from '../kernel';
import { passwordsRefusedBy } from './password-limits';

/** The session as the API shows it: the password only as a flag, its drops as a count. */
export type PublicSession = Omit<
  Required<StoredSession>,
  'password_ciphertext' | 'drops' | 'prefix_limit_near' | 'multihop'
> & {
  multihop: number | null;
  password_set: boolean;
  flaps_24h: number;
};

const DAY_MS = 86_400_000;

export function toPublicSession({
  password_ciphertext,
  drops,
  prefix_limit_near: _near,
  ...rest
}: StoredSession): PublicSession {
  const now = Date.now();
  return {
    ...rest,
    multihop: rest.multihop ?? null,
    password_set: password_ciphertext !== null,
    bgp_state: rest.bgp_state ?? null,
    prfx_accepted: rest.prfx_accepted ?? null,
    state_since: rest.state_since ?? null,
    last_polled: rest.last_polled ?? null,
    poll_reason: rest.poll_reason ?? null,
    abandoned: rest.abandoned ?? false,
    flaps_24h: (drops ?? []).filter((t) => now - Date.parse(t) < DAY_MS).length,
  };
}

/** The seed's addSession fields; IPs already canonical, numbers already checked by the route schema. */
export interface SessionFields {
  resource_id: string;
  peer_ipaddr: string;
  ip_type?: IpType | undefined;
  peer_asn?: number | undefined;
  peer_name?: string | undefined;
  peer_participant_id?: number | undefined;
  peer_hostname?: string | null | undefined;
  peer_group?: string | null | undefined;
  public_id?: number | undefined;
  source_asn?: number | undefined;
  source_ipaddr?: string | null | undefined;
  multihop?: number | null | undefined;
  type?: string | undefined;
  state?: SessionState | undefined;
  prfx_max?: number | null | undefined;
  prfx_received?: number | null | undefined;
  password?: string | null | undefined;
  note?: string | null | undefined;
}

export interface Actor {
  email: string;
}

const invalid = (path: string, message: string) => new ValidationError(message, [{ path, message }]);

/** What PeeringDB and the router say about a session's addresses and peer, checked against what was given. */
interface Resolved {
  router: StoredRouter;
  ip_type: IpType;
  exchange: Exchange | undefined;
  peer_asn: number;
  peer_name: string;
  peer_participant_id: number | null;
  network: Network | undefined;
  source_ipaddr: string | null;
}

/**
 * The checks of addSession (and of an update that moves a session): the router exists, the IPs
 * agree with `ip_type` and lie in the exchange's prefixes, and the peer's identity agrees with
 * PeeringDB's record of the peer IP. Missing identity fields are filled from PeeringDB.
 */
async function resolve(fields: SessionFields, reader: PeeringDbReader): Promise<Resolved> {
  const router = await routersRepository.get(fields.resource_id, true);
  if (!router) throw invalid('body.resource_id', `No router ${fields.resource_id}`);

  const family = ipVersion(fields.peer_ipaddr);
  if (!family) throw invalid('body.peer_ipaddr', 'must be an IPv4 or IPv6 address');
  if (fields.ip_type !== undefined && fields.ip_type !== family) {
    throw invalid('body.ip_type', `peer_ipaddr ${fields.peer_ipaddr} is not an ${fields.ip_type} address`);
  }
  if (fields.source_ipaddr && ipVersion(fields.source_ipaddr) !== family) {
    throw invalid('body.source_ipaddr', `source_ipaddr must be an ${family} address like the peer's`);
  }

  const presences = await reader.findPresencesByIp(fields.peer_ipaddr);
  const presence: Presence | undefined =
    fields.public_id !== undefined ? presences.find((p) => p.ix_id === fields.public_id) : presences[0];
  // A peer PeeringDB does not list is at the exchange whose prefix holds its address.
  const publicId =
    fields.public_id ??
    presence?.ix_id ??
    (presences.length === 0 ? (await reader.findPrefixesHolding(fields.peer_ipaddr))[0]?.ix_id : undefined);

  let exchange: Exchange | undefined;
  if (publicId !== undefined) {
    exchange = await reader.getExchange(publicId);
    if (!exchange) throw invalid('body.public_id', `No exchange ${publicId} in PeeringDB`);
    const prefixes = (await reader.getExchangePrefixes(publicId)).map((p) => p.prefix);
    const peerOutside = outsidePrefixes(fields.peer_ipaddr, exchange.name, prefixes);
    if (peerOutside) {
      // Named another exchange than the one PeeringDB has it at: say where it is.
      const other = presence ? null : await elsewhere(fields.peer_ipaddr, presences, exchange, reader);
      throw invalid('body.peer_ipaddr', other ? `${peerOutside}: ${other}` : peerOutside);
    }
    const sourceOutside = fields.source_ipaddr
      ? outsidePrefixes(fields.source_ipaddr, exchange.name, prefixes)
      : null;
    if (sourceOutside) throw invalid('body.source_ipaddr', sourceOutside);
    if (fields.source_ipaddr) {
      const taken = await someoneElsesAddress(
        fields.source_ipaddr,
        publicId,
        (await getSettings()).source_participant_id,
        reader,
      );
      if (taken) throw invalid('body.source_ipaddr', `${taken}, not ours`);
    }
  }

  const details: ErrorDetail[] = [];
  let network: Network | undefined;
  if (presence) {
    network = await reader.getNetwork(presence.net_id);
    if (fields.peer_asn !== undefined && fields.peer_asn !== presence.asn) {
      details.push({
        path: 'body.peer_asn',
        message: `PeeringDB has ${fields.peer_ipaddr} as AS${presence.asn}, not AS${fields.peer_asn}`,
      });
    }
    if (fields.peer_participant_id !== undefined && fields.peer_participant_id !== presence.net_id) {
      details.push({
        path: 'body.peer_participant_id',
        message: `PeeringDB has ${fields.peer_ipaddr} on network ${presence.net_id}, not ${fields.peer_participant_id}`,
      });
    }
  } else if (fields.peer_participant_id !== undefined) {
    network = await reader.getNetwork(fields.peer_participant_id);
    if (!network) {
      details.push({
        path: 'body.peer_participant_id',
        message: `No network ${fields.peer_participant_id} in PeeringDB`,
      });
    } else if (fields.peer_asn !== undefined && fields.peer_asn !== network.asn) {
      details.push({
        path: 'body.peer_asn',
        message: `PeeringDB network ${network.id} is AS${network.asn}, not AS${fields.peer_asn}`,
      });
    }
  }
  if (network && fields.peer_name !== undefined && !sameName(fields.peer_name, network.name)) {
    details.push({ path: 'body.peer_name', message: `PeeringDB names this network "${network.name}"` });
  }
  const peerAsn = fields.peer_asn ?? presence?.asn ?? network?.asn;
  if (peerAsn === undefined) {
    details.push({
      path: 'body.peer_asn',
      message: `${(await elsewhere(fields.peer_ipaddr, presences, exchange, reader)) ?? `${fields.peer_ipaddr} is not in PeeringDB`}; give peer_asn (or peer_participant_id)`,
    });
  }
  if (details.length > 0 || peerAsn === undefined) {
    throw new ValidationError('The session does not agree with PeeringDB', details);
  }
  const ourIps = await ourAddresses(exchange, family, reader);
  const sourceIp = fields.source_ipaddr ?? ourIps[0] ?? null;
  await refuseOwnNetwork(fields, peerAsn, presence, network, [...ourIps, ...(sourceIp ? [sourceIp] : [])]);

  return {
    router,
    ip_type: family,
    exchange,
    peer_asn: peerAsn,
    peer_name: fields.peer_name ?? network?.name ?? `AS${peerAsn}`,
    peer_participant_id: presence?.net_id ?? network?.id ?? null,
    network,
    source_ipaddr: sourceIp,
  };
}

/**
 * Where PeeringDB has the address when it is not at the exchange the session names: "not in
 * PeeringDB" would send the operator looking for a record that exists.
 */
async function elsewhere(
  ip: string,
  presences: readonly Presence[],
  named: Exchange | undefined,
  reader: PeeringDbReader,
): Promise<string | null> {
  const found = presences[0];
  if (!found || !named) return null;
  const at = await reader.getExchange(found.ix_id);
  const where = `exchange ${found.ix_id}${at ? ` (${at.name})` : ''}`;
  return (
    `PeeringDB has ${ip} at ${where} as AS${found.asn} ` +
    `(network ${found.net_id}), not at exchange ${named.id} (${named.name})`
  );
}

/**
 * A session with ourselves is refused: the peer IP is one of our own addresses (our presence at the
 * exchange, or our side of this very session), or the peer's network or AS is ours.
 */
async function refuseOwnNetwork(
  fields: SessionFields,
  peerAsn: number,
  presence: Presence | undefined,
  network: Network | undefined,
  ourIps: string[],
) {
  const { source_asn: ourAsn, source_participant_id: ourNet } = await getSettings();
  const ours = (net: number | undefined, asn: number | undefined) =>
    (ourNet !== null && net === ourNet) || (ourAsn !== null && asn === ourAsn);
  let detail: ErrorDetail | undefined;
  if ((presence && ours(presence.net_id, presence.asn)) || ourIps.includes(fields.peer_ipaddr)) {
    detail = { path: 'body.peer_ipaddr', message: `${fields.peer_ipaddr} is our own address` };
  } else if (fields.peer_asn !== undefined && ours(undefined, fields.peer_asn)) {
    detail = { path: 'body.peer_asn', message: `AS${fields.peer_asn} is our own AS` };
  } else if (network && ours(network.id, network.asn)) {
    detail = {
      path: 'body.peer_participant_id',
      message: `network ${network.id} (AS${network.asn}) is our own`,
    };
  } else if (ours(undefined, peerAsn)) {
    detail = { path: 'body.peer_asn', message: `AS${peerAsn} is our own AS` };
  }
  if (detail) throw new ValidationError('That network is our own', [detail]);
}

/** An eBGP session between two ends of the same AS is not a peering: its config would not load. */
function refuseSameAs(
  session: Pick<StoredSession, 'source_asn' | 'peer_asn'>,
  changed: 'source_asn' | 'peer_asn',
) {
  if (session.source_asn === session.peer_asn) {
    throw invalid(
      `body.${changed}`,
      `our AS on this session (AS${session.source_asn}) would be the peer's own AS; give another source_asn`,
    );
  }
}

/** A password the session's router platform could not take is refused up front, not at delivery. */
function checkPasswordFits(router: StoredRouter, password: string | null | undefined) {
  const refused = password ? passwordLimit(router.platform, password) : null;
  if (refused) throw invalid('body.password', refused);
}

/**
 * A session on no exchange (its peer address in no exchange's prefix) crosses more than the one LAN
 * an exchange gives, and has no address of ours to take: it needs a multihop TTL or our address.
 */
function refuseUnreachable(
  session: Pick<StoredSession, 'public_id' | 'peer_ipaddr' | 'multihop' | 'source_ipaddr'>,
  path: string,
) {
  if (session.public_id !== null || (session.multihop ?? null) !== null || session.source_ipaddr !== null) {
    return;
  }
  throw invalid(
    path,
    `${session.peer_ipaddr} is in no exchange's prefix: give multihop (1-255, the TTL of a multihop eBGP session) or source_ipaddr (our address on the link to the peer)`,
  );
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Our own IPs of a family at the exchange: the presence override's when it sets that family, else
 * our network's netixlan rows (when settings say which network is ours). The first is our side of a
 * new session unless one is given.
 */
async function ourAddresses(
  exchange: Exchange | undefined,
  family: IpType,
  reader: PeeringDbReader,
): Promise<string[]> {
  if (!exchange) return [];
  const canonical = (ips: (string | null | undefined)[]) =>
    ips.flatMap((ip) => {
      const c = ip ? canonicalIp(ip) : undefined;
      return c ? [c] : [];
    });
  const override = await presenceOverridesRepository.get(exchange.id);
  const overridden = canonical((family === 'ipv4' ? override?.ipaddr4 : override?.ipaddr6) ?? []);
  if (overridden.length > 0) return overridden;
  const ours = (await getSettings()).source_participant_id;
  if (ours === null) return [];
  const member = await reader.getExchangeMember(exchange.id, ours);
  return canonical((member?.presences ?? []).map((p) => (family === 'ipv4' ? p.ipaddr4 : p.ipaddr6)));
}

function defaultPrefixLimit(network: Network | undefined, family: IpType): number | null {
  const n = family === 'ipv4' ? network?.info_prefixes4 : network?.info_prefixes6;
  return n && n > 0 ? n : null;
}

function describe(s: StoredSession): string {
  return `${s.peer_name} (AS${s.source_asn}/${s.source_ipaddr ?? '-'}) - (AS${s.peer_asn}/${s.peer_ipaddr})`;
}

/** The peer log entry recording a change, when the session belongs to a known peer at an exchange. */
export function sessionLog(s: StoredSession, verb: string, actor: Actor): TransactItem[] {
  if (s.public_id === null || s.peer_participant_id === null) return [];
  return [
    peerLogItem({
      public_id: s.public_id,
      participant_id: s.peer_participant_id,
      message: `Session ${verb}: ${describe(s)}`,
      user: actor.email,
      session_id: s.id,
      session_number: s.number,
    }),
  ];
}

/**
 * `configured` and `established` say what a router has and does: peerflow sets them from what it saw
 * (a deployment that put the session on its router, a poll of that router). Written by hand they are
 * taken only where the router's last poll agrees (`seen`: its `bgp_state` for this session, null when
 * none); `not configured` and `down` are the operator's to set.
 */
function refuseUnseenState(wanted: SessionState | undefined, was: SessionState | null, seen: string | null) {
  if (wanted === undefined || wanted === was || wanted === 'not configured' || wanted === 'down') return;
  if (wanted === 'configured' && seen !== null && seen !== 'unknown') return;
  if (wanted === 'established' && seen === 'established') return;
  const said =
    seen === null
      ? 'no poll of its router has seen it there'
      : seen === 'unknown'
        ? 'its router could not be read at the last poll'
        : `its router said ${seen} at the last poll`;
  throw invalid(
    'body.state',
    `${wanted} is set by peerflow from what the router says, and ${said}: deploy the session ` +
      '(POST /sessions/{id}/configure) or poll its router (POST /routers/{id}/poll); by hand, state takes ' +
      '"not configured" or "down"',
  );
}

export async function addSession(
  fields: SessionFields,
  actor: Actor,
  reader: PeeringDbReader = peeringDb,
  /** What a poll of the router saw of this neighbor (`bgp_state`), when the session comes from one. */
  seen: string | null = null,
): Promise<PublicSession> {
  refuseUnseenState(fields.state, null, seen);
  const r = await resolve(fields, reader);
  refuseSameAs({ source_asn: fields.source_asn ?? r.router.asn, peer_asn: r.peer_asn }, 'source_asn');
  checkPasswordFits(r.router, fields.password);
  const id = crypto.randomUUID();
  const now = new Date().toISOString();
  const session: StoredSession = {
    id,
    number: await sessionsRepository.nextNumber(),
    version: 1,
    source_asn: fields.source_asn ?? r.router.asn,
    source_ipaddr: r.source_ipaddr,
    multihop: fields.multihop ?? null,
    resource_id: r.router.id,
    resource_name: r.router.hostname,
    peer_asn: r.peer_asn,
    peer_name: r.peer_name,
    peer_participant_id: r.peer_participant_id,
    peer_ipaddr: fields.peer_ipaddr,
    peer_hostname: fields.peer_hostname ?? null,
    peer_group: fields.peer_group ?? null,
    public_id: r.exchange?.id ?? null,
    public_name: r.exchange?.name ?? null,
    ip_type: r.ip_type,
    type: fields.type ?? 'Peer',
    state: fields.state ?? 'not configured',
    prfx_max: fields.prfx_max === undefined ? defaultPrefixLimit(r.network, r.ip_type) : fields.prfx_max,
    prfx_received: fields.prfx_received ?? null,
    password_ciphertext: fields.password ? await sessionPasswords().encrypt(fields.password, id) : null,
    note: fields.note ?? null,
    created: now,
    modified: now,
    ...NOT_POLLED,
  };
  refuseUnreachable(session, fields.multihop === undefined ? 'body.multihop' : 'body.source_ipaddr');
  try {
    await sessionsRepository.create(session, sessionLog(session, 'added', actor));
  } catch (err) {
    if (err instanceof DuplicateSessionError) {
      throw new ConflictError(
        `Router ${r.router.hostname} already has a session with ${session.peer_ipaddr}`,
      );
    }
    if (err instanceof RouterGoneError) throw invalid('body.resource_id', `No router ${fields.resource_id}`);
    throw err;
  }
  return toPublicSession(session);
}

export async function getStoredSession(id: string): Promise<StoredSession> {
  const session = await sessionsRepository.get(id);
  if (!session) throw new NotFoundError(`No session ${id}`);
  return session;
}

export type SessionChanges = Partial<Omit<SessionFields, 'resource_id' | 'peer_ipaddr'>> & {
  resource_id?: string | undefined;
  peer_ipaddr?: string | undefined;
};

/** Fields whose change means the peer, the router or the addresses must be checked again. */
const RESOLVED_FIELDS = [
  'resource_id',
  'peer_ipaddr',
  'ip_type',
  'public_id',
  'peer_asn',
  'peer_name',
  'peer_participant_id',
  'source_ipaddr',
] as const;

/**
 * Changes a session. With the version the caller read, a session changed since is a 409; without
 * one the change applies over whatever is stored, read again as often as other writers come first.
 */
export async function updateSession(
  id: string,
  changes: SessionChanges,
  expectedVersion: number | undefined,
  actor: Actor,
  reader: PeeringDbReader = peeringDb,
): Promise<PublicSession> {
  if (expectedVersion !== undefined) return changeSession(id, changes, expectedVersion, actor, reader);
  try {
    return await retryWhileRaced(
      () => changeSession(id, changes, undefined, actor, reader),
      (err) => err instanceof StaleSessionError,
    );
  } catch (err) {
    if (err instanceof StaleSessionError) throw staleSession(await getStoredSession(id));
    throw err;
  }
}

async function changeSession(
  id: string,
  changes: SessionChanges,
  expectedVersion: number | undefined,
  actor: Actor,
  reader: PeeringDbReader,
): Promise<PublicSession> {
  const current = await getStoredSession(id);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw staleSession(current, expectedVersion);
  }

  const moves =
    (changes.resource_id !== undefined && changes.resource_id !== current.resource_id) ||
    (changes.peer_ipaddr !== undefined &&
      canonicalIp(changes.peer_ipaddr) !== canonicalIp(current.peer_ipaddr));
  // What the last poll saw was seen for this router and peer IP only; and no router has the session as
  // it now reads until a deployment puts it there: a configured one moved is `not configured`.
  const onRouter = current.state === 'configured' || current.state === 'established';
  const was = moves && onRouter ? 'not configured' : current.state;
  refuseUnseenState(changes.state, was, moves ? null : (current.bgp_state ?? null));

  let next: StoredSession = { ...current, state: was };
  if (RESOLVED_FIELDS.some((f) => changes[f] !== undefined)) {
    const moved = changes.peer_ipaddr !== undefined && changes.peer_ipaddr !== current.peer_ipaddr;
    // A new peer IP may belong to another network: what was derived from the old one is derived again.
    const keep = <T>(given: T | undefined, old: T): T | undefined =>
      given !== undefined ? given : moved ? undefined : old;
    const r = await resolve(
      {
        resource_id: changes.resource_id ?? current.resource_id,
        peer_ipaddr: changes.peer_ipaddr ?? current.peer_ipaddr,
        ip_type: changes.ip_type,
        public_id: keep(changes.public_id, current.public_id ?? undefined),
        peer_asn: keep(changes.peer_asn, current.peer_asn),
        peer_name: changes.peer_name,
        peer_participant_id: keep(changes.peer_participant_id, current.peer_participant_id ?? undefined),
        source_ipaddr: keep(changes.source_ipaddr, current.source_ipaddr),
      },
      reader,
    );
    next = {
      ...next,
      resource_id: r.router.id,
      resource_name: r.router.hostname,
      peer_ipaddr: changes.peer_ipaddr ?? current.peer_ipaddr,
      ip_type: r.ip_type,
      public_id: r.exchange?.id ?? null,
      public_name: r.exchange?.name ?? null,
      peer_asn: r.peer_asn,
      peer_name: changes.peer_name ?? (moved ? r.peer_name : current.peer_name),
      peer_participant_id: r.peer_participant_id,
      source_ipaddr: r.source_ipaddr,
    };
  }
  const plain = <K extends keyof StoredSession & keyof SessionChanges>(key: K) => {
    if (changes[key] !== undefined) (next as Record<string, unknown>)[key] = changes[key];
  };
  for (const key of [
    'source_asn',
    'peer_hostname',
    'peer_group',
    'type',
    'state',
    'prfx_max',
    'prfx_received',
    'multihop',
    'note',
  ] as const) {
    plain(key);
  }
  refuseUnreachable(next, 'body.multihop');
  if (next.source_asn !== current.source_asn || next.peer_asn !== current.peer_asn) {
    refuseSameAs(next, changes.source_asn !== undefined ? 'source_asn' : 'peer_asn');
  }
  if (changes.password === undefined && next.resource_id !== current.resource_id) {
    // The password stays; the router it moves to must take it.
    const router = await routersRepository.get(next.resource_id, true);
    const [refused] = router ? await passwordsRefusedBy(router.platform, [current]) : [];
    if (refused) {
      throw invalid('body.resource_id', `The session's password does not fit: ${refused.reason}`);
    }
  }
  if (changes.password !== undefined) {
    const router = await routersRepository.get(next.resource_id, true);
    if (router) checkPasswordFits(router, changes.password);
    next.password_ciphertext = changes.password
      ? await sessionPasswords().encrypt(changes.password, id)
      : null;
  }
  next = { ...next, version: current.version + 1, modified: new Date().toISOString() };
  try {
    await sessionsRepository.update(current, next, sessionLog(next, 'updated', actor));
  } catch (err) {
    if (err instanceof DuplicateSessionError) {
      throw new ConflictError(`Router ${next.resource_name} already has a session with ${next.peer_ipaddr}`);
    }
    if (err instanceof RouterGoneError) throw invalid('body.resource_id', `No router ${next.resource_id}`);
    // Without a version the caller retries over the session as it is now.
    if (err instanceof StaleSessionError && expectedVersion !== undefined) throw staleSession(current);
    throw err;
  }
  return toPublicSession(next);
}

/** `sent` is the version the caller based its change on (body or If-Match), when it named one. */
export function staleSession(current: StoredSession, sent?: number): ConflictError {
  return new ConflictError(`Session ${current.id} changed meanwhile; read it again and retry`, [
    {
      path: 'version',
      message:
        sent === undefined
          ? `the session changed after version ${current.version} was read`
          : `you sent version ${sent}; the session is at version ${current.version}`,
    },
  ]);
}

/** The clear-text password, for an admin who asked for it explicitly. */
export async function revealPassword(id: string): Promise<{ id: string; password: string | null }> {
  const session = await getStoredSession(id);
  if (session.password_ciphertext === null) return { id, password: null };
  return { id, password: await sessionPasswords().decrypt(session.password_ciphertext, id) };
}
