import { createHash } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../platform/storage/client';
import { logger } from '../platform/logger';
import { forEachConcurrently } from '../platform/concurrency';
import { BatchWriter, type ExchangeMember, loadStoredIndex, peeringDb } from '../peeringdb';
import { isPeer, listSessionStatesAtExchange } from '../sessions';
import { type Settings, SettingsSchema, settingsRepository } from '../settings';
import { emptyPeerState, type PeerState, peerStateRepository } from './peer-state-store';
import { type PeerRow, peerRowItem, peerRowsRepository } from './peer-rows-store';
import { isOwnNetwork } from './peer-view';
import { memberOrderKey } from '../platform/storage/keys';
import { qualify } from './qualify';

/**
 * Keeping the peer rows (`peer-rows-store.ts`) true to what they are made of:
 * - a change to one peer (its state, a request's status, a session with it) rewrites its row at
 *   once (`refreshPeerRows`), from inputs read after the change;
 * - a change to many (PeeringDB's members of an exchange, the rules, the exchange's route-server
 *   ASNs) rebuilds the exchange's rows from scratch (`buildExchangeRows`), idempotently: rows whose
 *   content is the same are left alone. The sync marks the exchanges it changed as not built, and a
 *   list does not trust an exchange's rows unless they were built under the rules it reads;
 * - `buildPeerRows` is the job that builds every exchange not built under the current rules (all
 *   of them with `all`), as far as its time allows: what it leaves is picked up by its next run.
 *
 * A change and a rebuild racing each other: every change raises the exchange's counter after it
 * is written and before its row is rewritten; a row rewrite checks the counter after writing and
 * reads again if it moved; a build records itself only if the counter did not move while it read
 * and wrote, else it starts over. So the last write of each row is made of inputs read after the
 * last change to them.
 */

const MAX_ROUNDS = 5;
const BUILD_CONCURRENCY = 4;

/** The inputs of a verdict beside the network itself: the rules, who we are, the route servers. */
export function rulesDigest(settings: Settings, routeServerAsns: readonly number[]): string {
  const inputs = {
    rules: settings.qualification,
    asn: settings.source_asn,
    net: settings.source_participant_id,
    rs: [...new Set(routeServerAsns)].sort((a, b) => a - b),
  };
  return createHash('sha1').update(JSON.stringify(inputs)).digest('base64url');
}

interface RowContext {
  settings: Settings;
  routeServerAsns: readonly number[];
  digest: string;
}

/** The row of one member, or undefined for our own network (which is never listed). */
export function peerRowOf(
  publicId: number,
  member: ExchangeMember,
  state: PeerState,
  sessionStates: readonly string[],
  ctx: RowContext,
): PeerRow | undefined {
  if (isOwnNetwork(member, ctx.settings)) return undefined;
  const verdict = qualify(
    member.network,
    member.contacts,
    ctx.settings.qualification,
    state.qualification_override,
    { ownAsn: ctx.settings.source_asn, routeServerAsns: new Set(ctx.routeServerAsns) },
  );
  return {
    ix_id: publicId,
    net_id: member.network.id,
    network: member.network,
    presences: member.presences,
    contacts: member.contacts,
    state,
    qualified: verdict.qualified,
    request_status: state.request_status,
    is_peer: isPeer(sessionStates),
    rules: ctx.digest,
  };
}

function itemOf(row: PeerRow): { item: Record<string, unknown>; digest: string } {
  const order = memberOrderKey(row.network.name, row.network.id);
  const digest = createHash('sha1')
    .update(JSON.stringify([order, row]))
    .digest('base64url');
  return { item: peerRowItem(row, order, digest), digest };
}

/** The settings as stored now (not a warm container's copy). */
async function currentSettings(): Promise<Settings> {
  return (await settingsRepository.get()) ?? SettingsSchema.parse({});
}

async function context(publicId: number): Promise<RowContext> {
  const [settings, routeServerAsns] = await Promise.all([
    currentSettings(),
    peeringDb.getRouteServerAsns(publicId),
  ]);
  return { settings, routeServerAsns, digest: rulesDigest(settings, routeServerAsns) };
}

async function sessionsByPeer(publicId: number): Promise<Map<number, string[]>> {
  const byPeer = new Map<number, string[]>();
  for (const s of await listSessionStatesAtExchange(publicId)) {
    byPeer.set(s.peer_participant_id, [...(byPeer.get(s.peer_participant_id) ?? []), s.state]);
  }
  return byPeer;
}

/** Rewrites one peer's row from what it is made of now. */
async function refreshOne(publicId: number, participantId: number): Promise<void> {
  let { gen } = await peerRowsRepository.raise(publicId);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [ctx, member, state, sessions] = await Promise.all([
      context(publicId),
      peeringDb.getExchangeMember(publicId, participantId),
      peerStateRepository.readState(publicId, participantId),
      sessionsByPeer(publicId),
    ]);
    const row = member && peerRowOf(publicId, member, state, sessions.get(participantId) ?? [], ctx);
    const key = peerRowsRepository.rowKey(publicId, participantId);
    if (row) {
      await ddb().send(new PutCommand({ TableName: tableName(), Item: itemOf(row).item }));
    } else {
      await ddb().send(new DeleteCommand({ TableName: tableName(), Key: key }));
    }
    const now = await peerRowsRepository.build(publicId);
    if (now.gen === gen) return;
    gen = now.gen;
  }
  logger.warn('peer row still changing after its last rewrite', { publicId, participantId });
}

/**
 * After a change to these peers (our state of them, a request's status, a session with them):
 * their rows are rewritten. Called once the change is stored, so it never fails the change: a
 * rewrite that could not be made marks the exchange not built instead (its lists read the members
 * until the next build), and if even that fails, the next build of the exchange makes it good.
 */
export async function refreshPeerRows(
  peers: readonly { publicId: number; participantId: number }[],
): Promise<void> {
  const unique = [...new Map(peers.map((p) => [`${p.publicId}:${p.participantId}`, p])).values()];
  await forEachConcurrently(unique, BUILD_CONCURRENCY, async ({ publicId, participantId }) => {
    try {
      await refreshOne(publicId, participantId);
    } catch (err) {
      logger.warn('peer row not rewritten: its exchange is read from its members until rebuilt', {
        publicId,
        participantId,
        error: (err as Error).message,
      });
      await peerRowsRepository.raise(publicId, true).catch(() => undefined);
    }
  });
}

/** After sessions were added, changed, configured or deleted: the rows of their peers. */
export function refreshPeersOfSessions(
  sessions: readonly { public_id: number | null; peer_participant_id: number | null }[],
): Promise<void> {
  return refreshPeerRows(
    sessions.flatMap((s) =>
      s.public_id !== null && s.peer_participant_id !== null
        ? [{ publicId: s.public_id, participantId: s.peer_participant_id }]
        : [],
    ),
  );
}

/** What a build of one exchange did. */
export interface ExchangeBuild {
  written: number;
  deleted: number;
  /** False when changes kept coming for every round: the exchange stays not built. */
  built: boolean;
}

/** Builds the rows of one exchange from scratch; writes only the rows that differ. */
export async function buildExchangeRows(publicId: number): Promise<ExchangeBuild> {
  const done: ExchangeBuild = { written: 0, deleted: 0, built: false };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { gen } = await peerRowsRepository.build(publicId);
    const [ctx, members, state, sessions, stored] = await Promise.all([
      context(publicId),
      peeringDb.allExchangeMembers(publicId),
      peerStateRepository.readExchange(publicId, { withLogs: false, consistent: true }),
      sessionsByPeer(publicId),
      peerRowsRepository.digests(publicId),
    ]);
    const writer = new BatchWriter();
    for (const member of members) {
      const id = member.network.id;
      const row = peerRowOf(
        publicId,
        member,
        state.states.get(id) ?? emptyPeerState(publicId, id),
        sessions.get(id) ?? [],
        ctx,
      );
      if (!row) continue;
      const { item, digest } = itemOf(row);
      if (stored.get(id) !== digest) {
        await writer.put(item);
        done.written += 1;
      }
      stored.delete(id);
    }
    for (const net of stored.keys()) {
      await writer.delete(peerRowsRepository.rowKey(publicId, net));
      done.deleted += 1;
    }
    await writer.flush();
    if (await peerRowsRepository.settle(publicId, gen, ctx.digest)) {
      done.built = true;
      return done;
    }
  }
  logger.warn('peer rows of an exchange kept changing while being built', { publicId });
  return done;
}

/** The sync's part: these exchanges' members changed, so their rows are not trusted until rebuilt. */
export async function peerRowsOutdated(publicIds: readonly number[]): Promise<void> {
  await forEachConcurrently([...new Set(publicIds)], 8, async (ix) => {
    await peerRowsRepository.raise(ix, true);
  });
}

/** What a run of the job did. */
export interface PeerRowsReport {
  exchanges: number;
  built: number;
  written: number;
  deleted: number;
  /** Exchanges left for the next run (time ran out, or changes kept coming). */
  left: number;
}

/**
 * The job: builds the rows of every exchange not built under the rules as they are now (with
 * `all`, every exchange, those first), until `deadline` (epoch milliseconds) if given.
 */
export async function buildPeerRows(
  options: { all?: boolean; deadline?: number } = {},
): Promise<PeerRowsReport> {
  const [exchanges, builds, settings] = await Promise.all([
    loadStoredIndex('ix'),
    peerRowsRepository.builds(),
    currentSettings(),
  ]);
  const report: PeerRowsReport = { exchanges: exchanges.size, built: 0, written: 0, deleted: 0, left: 0 };
  const stale: number[] = [];
  const current: number[] = [];
  await forEachConcurrently([...exchanges.keys()], 8, async (ix) => {
    const rules = builds.get(ix)?.rules;
    const fresh =
      rules !== undefined && rules === rulesDigest(settings, await peeringDb.getRouteServerAsns(ix));
    (fresh ? current : stale).push(ix);
  });
  const queue = [...stale.sort((a, b) => a - b), ...(options.all ? current.sort((a, b) => a - b) : [])];
  await forEachConcurrently(queue, BUILD_CONCURRENCY, async (ix) => {
    if (options.deadline !== undefined && Date.now() > options.deadline) {
      report.left += 1;
      return;
    }
    const build = await buildExchangeRows(ix);
    report.written += build.written;
    report.deleted += build.deleted;
    if (build.built) report.built += 1;
    else report.left += 1;
  });
  return report;
}
