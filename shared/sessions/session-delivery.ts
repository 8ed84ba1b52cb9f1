import { createHash } from 'node:crypto';
import { NotFoundError } from '../platform/errors';
import { routersRepository, type StoredRouter } from '../routers';
import { StaleSessionError, type StoredSession, sessionsRepository } from './sessions-store';
import type { Actor } from './sessions';
import { transactRetryingConflicts } from '../platform/storage/transact';
import { renderForDelivery } from './session-config';
import { peerLogItem } from '../peer-log';
import { sessionPasswords } from '../platform/secrets/session-passwords';

/**
 * What the deployment workflow needs of the sessions: the router's whole config as it must be on
 * the device, each session's fingerprint (what the config says of it), and the state a deployment
 * leaves each session in. The workflow decides; this writes.
 */

/** A session as a deployment sees it: enough to match it with the router's neighbors and to log. */
export interface DeliveredSession {
  id: string;
  number: number | null;
  peer_ipaddr: string;
  peer_asn: number;
  state: StoredSession['state'];
  /** Changes when anything the rendered config says of the session changes (its password included). */
  fingerprint: string;
}

export function sessionFingerprint(s: StoredSession): string {
  const said = [
    s.peer_ipaddr,
    s.peer_asn,
    s.peer_name,
    s.peer_group,
    s.prfx_max,
    s.password_ciphertext,
    s.note,
    s.source_ipaddr,
    s.source_asn,
    s.multihop ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(said)).digest('hex').slice(0, 32);
}

const delivered = (s: StoredSession): DeliveredSession => ({
  id: s.id,
  number: s.number,
  peer_ipaddr: s.peer_ipaddr,
  peer_asn: s.peer_asn,
  state: s.state,
  fingerprint: sessionFingerprint(s),
});

/**
 * The router's peerflow-managed config for its device: `shown` with password placeholders (what is
 * stored, diffed and answered), `withSecrets` rendered only when called, for the device alone.
 */
export async function routerDelivery(
  routerId: string,
  /** Sessions left out: a deployment that removes them. */
  without: readonly string[] = [],
): Promise<{
  router: StoredRouter;
  sessions: DeliveredSession[];
  shown: string;
  withSecrets: () => Promise<string>;
  /** The sessions' passwords in clear, to mask them in whatever the device answers. */
  passwords: () => Promise<string[]>;
}> {
  const router = await routersRepository.get(routerId, true);
  if (!router) throw new NotFoundError(`No router ${routerId}`);
  const leaving = new Set(without);
  const stored = (await sessionsRepository.listAll({ resource_id: routerId })).filter(
    (s) => !leaving.has(s.id),
  );
  const { shown, withSecrets } = await renderForDelivery(router, stored);
  const passwords = async () => {
    const out: string[] = [];
    for (const s of stored) {
      if (s.password_ciphertext !== null)
        out.push(await sessionPasswords().decrypt(s.password_ciphertext, s.id));
    }
    return out;
  };
  return { router, sessions: stored.map(delivered), shown, withSecrets, passwords };
}

/**
 * Records what a deployment did to a session: its new state (when given) and a line in its peer's
 * log. A session changed since the deployment read it keeps its state when what the router runs no
 * longer says what the session says (its fingerprint moved); its log line is written all the same.
 */
export async function recordDeploymentOutcome(
  sessionId: string,
  fingerprint: string,
  state: StoredSession['state'] | null,
  message: string,
  actor: Actor,
): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const current = await sessionsRepository.get(sessionId);
    if (!current) return;
    const applies = state !== null && state !== current.state && sessionFingerprint(current) === fingerprint;
    const log = logLine(current, message, actor);
    if (!applies) {
      if (log.length > 0) await transactRetryingConflicts(log);
      return;
    }
    const next: StoredSession = {
      ...current,
      state,
      version: current.version + 1,
      modified: new Date().toISOString(),
    };
    try {
      await sessionsRepository.configure(current, next, log);
      return;
    } catch (err) {
      if (!(err instanceof StaleSessionError)) throw err;
    }
  }
}

function logLine(s: StoredSession, message: string, actor: Actor) {
  if (s.public_id === null || s.peer_participant_id === null) return [];
  return [
    peerLogItem({
      public_id: s.public_id,
      participant_id: s.peer_participant_id,
      message,
      user: actor.email,
      session_id: s.id,
      session_number: s.number,
    }),
  ];
}
