import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionPasswords } from '../../shared/platform/secrets/session-passwords';

describe('session password encryption (local key)', () => {
  it('round-trips, with a fresh ciphertext each time and no clear text in it', async () => {
    const cipher = sessionPasswords();
    const a = await cipher.encrypt('ace12345', 'session-1');
    const b = await cipher.encrypt('ace12345', 'session-1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('ace12345');
    expect(Buffer.from(a.split(':')[1]!, 'base64').toString('latin1')).not.toContain('ace12345');
    expect(await cipher.decrypt(a, 'session-1')).toBe('ace12345');
  });

  it('binds a ciphertext to its session: copied onto another one it does not decrypt', async () => {
    const cipher = sessionPasswords();
    const envelope = await cipher.encrypt('secret', 'session-a');
    await expect(cipher.decrypt(envelope, 'session-b')).rejects.toThrow();
    const tampered = `${envelope.slice(0, -4)}AAAA`;
    await expect(cipher.decrypt(tampered, 'session-a')).rejects.toThrow();
  });

  it('keeps its key in one owner-only file in the data folder', async () => {
    await sessionPasswords().encrypt('x', 's');
    const file = join(process.env.DATA_DIR!, 'session-password.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64')).toHaveLength(32);
  });
});
