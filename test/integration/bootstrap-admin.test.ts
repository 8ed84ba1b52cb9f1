import { describe, expect, it } from 'vitest';
import { ensureAdmin, login } from '../../shared/users/users';
import { usersRepository } from '../../shared/users/users-store';
import { tableSnapshot } from '../support/api';

describe('the bootstrap admin (npm start)', () => {
  it('refuses a password below the policy with a clear error, creating nobody', async () => {
    const before = await tableSnapshot();
    await expect(ensureAdmin('me@example.net', 'short')).rejects.toThrow(
      "the bootstrap admin's password must have 12 to 256 characters (the one given has 5)",
    );
    expect(await usersRepository.getByEmail('me@example.net')).toBeUndefined();
    expect(await tableSnapshot()).toEqual(before);
  });

  it('is created while there is no admin, and never a second one under another email', async () => {
    expect(await ensureAdmin('me@example.net', 'a long enough password')).toBe('created');
    await expect(login('me@example.net', 'a long enough password')).resolves.toBeDefined();
    const before = await tableSnapshot();
    expect(await ensureAdmin('me@example.net', 'another long password')).toBe('exists');
    // An existing account is left alone: a start given a short password for it still starts.
    expect(await ensureAdmin('me@example.net', 'short')).toBe('exists');
    expect(await ensureAdmin('admin@peerflow.local', 'generated-password-123')).toBe('another-admin');
    expect(await usersRepository.getByEmail('admin@peerflow.local')).toBeUndefined();
    expect(await tableSnapshot()).toEqual(before);
  });
});
