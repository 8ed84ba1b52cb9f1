import { refreshPeersOfSessions } from '../../shared/peers';
import { recordDeploymentOutcome, sessionFingerprint, sessionsRepository } from '../../shared/sessions';

/**
 * Moves a session to `state` as a succeeded deployment does (the same write, its peer-log line, then
 * its peer's rows),
 * for tests whose router is not a real one: by hand, an operator can no longer claim `configured`
 * or `established` that no router showed.
 */
export async function markDeployed(
  id: string,
  state: 'configured' | 'established' = 'configured',
): Promise<void> {
  const session = await sessionsRepository.get(id);
  if (!session) throw new Error(`no session ${id}`);
  await recordDeploymentOutcome(
    id,
    sessionFingerprint(session),
    state,
    `A deployment put the session on its router: ${state}`,
    { email: 'deployer@example.com' },
  );
  const after = await sessionsRepository.get(id);
  if (after?.state !== state) throw new Error(`session ${id} is ${after?.state}, not ${state}`);
  await refreshPeersOfSessions([after]);
}
