import { sessionPasswords } from '../platform/secrets/session-passwords';
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
  const queue = sessions.filter((s) => s.password_ciphertext !== null);
  const refused: { session: StoredSession; reason: string }[] = [];
  const worker = async () => {
    for (let s = queue.shift(); s; s = queue.shift()) {
      const plain = await sessionPasswords().decrypt(s.password_ciphertext as string, s.id);
      const reason = passwordLimit(platform, plain);
      if (reason) refused.push({ session: s, reason });
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  const order = new Map(sessions.map((s, i) => [s.id, i]));
  return refused.sort((a, b) => (order.get(a.session.id) ?? 0) - (order.get(b.session.id) ?? 0));
}
