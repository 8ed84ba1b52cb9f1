import { sessionPasswords } from '../platform/secrets/session-passwords';
import { forEachConcurrently } from '../platform/concurrency';
import type { StoredSession } from './sessions-store';
import { type Platform, platformDescriptor, passwordLimit } from '../config-render';

/**
 * The stored sessions whose password `platform` would refuse, each with the reason. Passwords are
 * decrypted only for a platform with a limit; their lengths are never stored.
 */
export async function passwordsRefusedBy(
  platform: Platform,
  sessions: readonly StoredSession[],
): Promise<{ session: StoredSession; reason: string }[]> {
  if (platformDescriptor(platform).passwords.maxLength === null) return [];
  const encrypted = sessions.filter((s) => s.password_ciphertext !== null);
  const refused: { session: StoredSession; reason: string }[] = [];
  await forEachConcurrently(encrypted, 8, async (s) => {
    const plain = await sessionPasswords().decrypt(s.password_ciphertext as string, s.id);
    const reason = passwordLimit(platform, plain);
    if (reason) refused.push({ session: s, reason });
  });
  const order = new Map(sessions.map((s, i) => [s.id, i]));
  return refused.sort((a, b) => (order.get(a.session.id) ?? 0) - (order.get(b.session.id) ?? 0));
}
