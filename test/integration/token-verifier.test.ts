import { describe, expect, it } from 'vitest';
import { call, userWithRole } from '../support/api';
import { mintToken } from '../support/tokens';
import { loadSigningKey } from '../../shared/platform/auth/keys';
import { config } from '../../shared/platform/config';

const YEAR = 365 * 24 * 3600;

async function opens(token: string): Promise<number> {
  return (await call('GET', '/users/me', { token })).status;
}

describe('the verifier', () => {
  async function withClaims(claims: Record<string, unknown>) {
    const { user } = await userWithRole('viewer');
    return mintToken(await loadSigningKey(), { userId: user.id, role: user.role }, { claims });
  }
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token as peerflow issues it, and one issued a few seconds ahead of this clock', async () => {
    expect(await opens(await withClaims({}))).toBe(200);
    const ahead = now() + 30;
    expect(await opens(await withClaims({ iat: ahead, exp: ahead + config().TOKEN_TTL_SECONDS }))).toBe(200);
  });

  it('refuses a token without exp', async () => {
    expect(await opens(await withClaims({ exp: undefined }))).toBe(401);
  });

  it('refuses a token without iat', async () => {
    expect(await opens(await withClaims({ iat: undefined }))).toBe(401);
  });

  it('refuses a token issued a year from now', async () => {
    const iat = now() + YEAR;
    expect(await opens(await withClaims({ iat, exp: iat + 3600 }))).toBe(401);
  });

  it('refuses a token that lives ten years, or a second longer than the configured lifetime', async () => {
    expect(await opens(await withClaims({ iat: now(), exp: now() + 10 * YEAR }))).toBe(401);
    const iat = now();
    expect(await opens(await withClaims({ iat, exp: iat + config().TOKEN_TTL_SECONDS + 1 }))).toBe(401);
  });
});
