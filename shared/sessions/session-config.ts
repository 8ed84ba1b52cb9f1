import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import { sessionPasswords } from '../platform/secrets/session-passwords';
import { type ConfigRevision, configRevisionItem } from './config-revisions-store';
import { routersRepository, type StoredRouter } from '../routers';
import { getSettings } from '../settings';
import { readPrefixLists } from '../irr';
import { StaleSessionError, type StoredSession, sessionsRepository } from './sessions-store';
import {
  type Platform,
  platformDescriptor,
  RenderError,
  type RenderSession,
  render,
  renderRemoval,
} from '../config-render';
import { type ConfigDelivery, storeAndReturn } from './config-delivery';
import { passwordsRefusedBy } from './password-limits';
import { type Actor, getStoredSession, type PublicSession, sessionLog, toPublicSession } from './sessions';

/**
 * Stands in for a password in every config the API shows or stores: it satisfies each platform's
 * syntax, and reads as what it is. Real passwords only reach a delivery adapter that asks for them.
 */
export const PASSWORD_PLACEHOLDER = 'PASSWORD-NOT-SHOWN';

async function renderSessions(
  platform: Platform,
  router: StoredRouter,
  sessions: StoredSession[],
  secrets: 'placeholder' | 'clear',
): Promise<string> {
  // A placeholder fits every platform; the real password must too, whoever sees the text.
  const refused = await passwordsRefusedBy(platform, sessions);
  if (refused.length > 0) {
    const what = refused.map(
      ({ session, reason }) => `session ${session.id} (${session.peer_ipaddr}): ${reason}`,
    );
    throw new ValidationError(
      `Cannot render for ${platform}: the password of ${what.join('; ')}. Set a shorter password first`,
      what.map((message) => ({ path: 'config', message })),
    );
  }
  const inputs = await renderInputs(sessions, secrets);
  // The routing policies come from the settings: our prefixes, and each group's policy.
  const policy = (await getSettings()).routing_policy;
  try {
    return render(platform, router, inputs, policy);
  } catch (err) {
    if (err instanceof RenderError) {
      throw new ValidationError(`Cannot render for ${platform}: ${err.message}`, [
        { path: 'config', message: err.message },
      ]);
    }
    throw err;
  }
}

async function renderInputs(
  sessions: StoredSession[],
  secrets: 'placeholder' | 'clear',
): Promise<RenderSession[]> {
  const inputs: RenderSession[] = [];
  // Each peer's IRR prefix lists as last refreshed (a peer never refreshed has none: its group's
  // IRR filter, when on, then renders an explicit deny).
  const participants = [
    ...new Set(sessions.map((s) => s.peer_participant_id).filter((id): id is number => id !== null)),
  ];
  const lists = participants.length > 0 ? await readPrefixLists(participants) : new Map();
  for (const s of sessions) {
    const list = s.peer_participant_id === null ? undefined : lists.get(s.peer_participant_id);
    let password: string | null = null;
    if (s.password_ciphertext !== null) {
      password =
        secrets === 'clear'
          ? await sessionPasswords().decrypt(s.password_ciphertext, s.id)
          : PASSWORD_PLACEHOLDER;
    }
    inputs.push({
      peer_ipaddr: s.peer_ipaddr,
      peer_asn: s.peer_asn,
      peer_name: s.peer_name,
      peer_group: s.peer_group,
      prfx_max: s.prfx_max,
      password,
      note: s.note,
      source_ipaddr: s.source_ipaddr,
      source_asn: s.source_asn,
      multihop: s.multihop ?? null,
      exchange_id: s.public_id,
      irr: list ? { as_set: list.as_set, ipv4: list.ipv4, ipv6: list.ipv6, status: list.status } : null,
    });
  }
  return inputs;
}

/**
 * What removes `removed` from their router (all on `router`), given the sessions that stay there:
 * the lines to paste, or for a platform whose config is a file the router's whole peerflow-managed
 * config without them. Passwords are placeholders. `config` is null, with the reason in `note`,
 * when the remaining config cannot be rendered: a removal never blocks a delete.
 */
export async function sessionRemoval(
  router: StoredRouter,
  removed: StoredSession[],
  remaining: StoredSession[],
) {
  const platform = router.platform;
  const base = {
    router_id: router.id,
    hostname: router.hostname,
    platform,
    session_ids: removed.map((s) => s.id),
  };
  try {
    const { kind, text } = renderRemoval(
      platform,
      router,
      await renderInputs(removed, 'placeholder'),
      await renderInputs(remaining, 'placeholder'),
      (await getSettings()).routing_policy,
    );
    return {
      ...base,
      kind,
      note:
        kind === 'commands'
          ? `Paste these lines in the configuration mode of ${router.hostname}`
          : `The whole peerflow-managed BGP config of ${router.hostname} without the removed session(s): replace the file with it and reload the daemon`,
      config: text as string | null,
      sha256: sha256(text) as string | null,
    };
  } catch (err) {
    if (!(err instanceof RenderError)) throw err;
    return {
      ...base,
      kind: platformDescriptor(platform).removal.kind,
      note: `Cannot render the removal for ${platform}: ${err.message}`,
      config: null,
      sha256: null,
    };
  }
}
export type SessionRemoval = Awaited<ReturnType<typeof sessionRemoval>>;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function routerOf(session: StoredSession): Promise<StoredRouter> {
  const router = await routersRepository.get(session.resource_id, true);
  if (!router) throw new NotFoundError(`Router ${session.resource_id} of session ${session.id} is gone`);
  return router;
}

function rendered(router: StoredRouter, platform: Platform, sessions: StoredSession[], config: string) {
  return {
    router_id: router.id,
    hostname: router.hostname,
    platform,
    session_ids: sessions.map((s) => s.id),
    config,
    sha256: sha256(config),
  };
}

/**
 * The sessions a session's own config must hold: that session, or on a platform whose scope is the
 * router (GoBGP, whose policy assignment is global) the router's whole config.
 */
async function sessionsToRender(platform: Platform, session: StoredSession): Promise<StoredSession[]> {
  if (platformDescriptor(platform).scope === 'session') return [session];
  return sessionsRepository.listAll({ resource_id: session.resource_id });
}

/**
 * A router's whole config for its device: `shown` with placeholders, `withSecrets` with the real
 * passwords, decrypted only when the device is about to receive them.
 */
export async function renderForDelivery(router: StoredRouter, sessions: StoredSession[]) {
  const shown = await renderSessions(router.platform, router, sessions, 'placeholder');
  return {
    shown,
    withSecrets: () => renderSessions(router.platform, router, sessions, 'clear'),
  };
}

export async function renderSessionConfig(id: string, platform: Platform | undefined) {
  const session = await getStoredSession(id);
  const router = await routerOf(session);
  const chosen = platform ?? router.platform;
  const scope = await sessionsToRender(chosen, session);
  return rendered(router, chosen, scope, await renderSessions(chosen, router, scope, 'placeholder'));
}

export async function renderRouterConfig(routerId: string, platform: Platform | undefined) {
  const router = await routersRepository.get(routerId, true);
  if (!router) throw new NotFoundError(`No router ${routerId}`);
  const sessions = await sessionsRepository.listAll({ resource_id: routerId });
  const chosen = platform ?? router.platform;
  return rendered(router, chosen, sessions, await renderSessions(chosen, router, sessions, 'placeholder'));
}

/**
 * configureSession without a router connection: render for the session's router, hand the config
 * to the delivery port, keep the revision and log it on the peer, in one transaction. The session
 * becomes `configured` only when the port says a router took the config; rendering alone never
 * makes it so (the store-and-return port answers "not delivered").
 */
export async function configureSession(
  id: string,
  actor: Actor,
  delivery: ConfigDelivery = storeAndReturn,
  /** A configuration an operator wrote for this one delivery, taken as it is. */
  custom?: string,
): Promise<{
  session: PublicSession;
  revision: Omit<ConfigRevision, 'text'>;
  delivery: string;
  delivered: boolean;
  config: string;
}> {
  const current = await getStoredSession(id);
  const router = await routerOf(current);
  const customText = custom?.replace(/\r\n?/g, '\n');
  const scope = customText === undefined ? await sessionsToRender(router.platform, current) : [current];
  const config = customText ?? (await renderSessions(router.platform, router, scope, 'placeholder'));
  const { delivered, note } = await delivery.deliver({
    router,
    platform: router.platform,
    config,
    withSecrets: async () => customText ?? (await renderSessions(router.platform, router, scope, 'clear')),
  });
  const now = new Date().toISOString();
  const revision: ConfigRevision = {
    id: crypto.randomUUID(),
    session_id: current.id,
    router_id: router.id,
    platform: router.platform,
    source: customText === undefined ? 'rendered' : 'custom',
    text: config,
    sha256: sha256(config),
    created: now,
    created_by: actor.email,
  };
  const next: StoredSession = delivered
    ? { ...current, state: 'configured', version: current.version + 1, modified: now }
    : current;
  try {
    await sessionsRepository.configure(current, next, [
      configRevisionItem(revision),
      ...sessionLog(next, delivered ? 'configured' : (note ?? 'config rendered, not delivered'), actor),
    ]);
  } catch (err) {
    if (err instanceof StaleSessionError) {
      throw new ConflictError(`Session ${id} changed while it was being configured; retry`);
    }
    throw err;
  }
  const { text: _text, ...summary } = revision;
  return {
    session: toPublicSession(next),
    revision: summary,
    delivery: delivered || note !== undefined ? delivery.method : 'not delivered',
    delivered,
    config,
  };
}
