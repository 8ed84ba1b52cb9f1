import { type Platform, platformDescriptor } from './platforms';
import {
  DEFAULT_POLICY,
  prepare,
  type RenderPolicy,
  type RenderRouter,
  type RenderSession,
  RenderError,
} from './prepare';

/** Why `platform` would refuse `password` in its config, or null when it takes it. */
export function passwordLimit(platform: Platform, password: string): string | null {
  const max = platformDescriptor(platform).passwords.maxLength;
  return max !== null && password.length > max
    ? `${platform} accepts passwords of at most ${max} characters`
    : null;
}

/**
 * The BGP configuration of `sessions` on `router`, in `platform` syntax: neighbors, groups, and the
 * routing policies written from `policy` (the settings). Pure.
 */
export function render(
  platform: Platform,
  router: RenderRouter,
  sessions: readonly RenderSession[],
  policy: RenderPolicy = DEFAULT_POLICY,
): string {
  for (const s of sessions) {
    const refused = s.password === null ? null : passwordLimit(platform, s.password);
    if (refused) throw new RenderError(`the password of ${s.peer_ipaddr}: ${refused}`);
  }
  return platformDescriptor(platform).render(prepare(router, sessions, policy));
}

/** What removes `removed` from `router`, given the sessions that stay there; see the descriptor's `removal`. */
export function renderRemoval(
  platform: Platform,
  router: RenderRouter,
  removed: readonly RenderSession[],
  remaining: readonly RenderSession[],
  policy: RenderPolicy = DEFAULT_POLICY,
): { kind: 'commands' | 'config'; text: string } {
  const descriptor = platformDescriptor(platform);
  if (descriptor.removal.kind === 'config') {
    return { kind: 'config', text: render(platform, router, remaining, policy) };
  }
  return {
    kind: 'commands',
    text: descriptor.removal.render(prepare(router, removed, policy), prepare(router, remaining, policy)),
  };
}
