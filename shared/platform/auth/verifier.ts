import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { config } from '../config';
import { RoleSchema, type UserRole } from './caller';
import type { Jwks } from './keys';

/**
 * The JWKS is handed to the verifier at cold start; a token naming a kid that is not in it is
 * refused on the spot instead of sending the verifier to fetch keys over the network.
 */
const offlineFetcher = {
  fetch: async (): Promise<ArrayBuffer> => {
    throw new Error('unknown signing key');
  },
};

export class TokenClaimsError extends Error {
  override name = 'TokenClaimsError';
}

// The verifier wants a JWKS URI to key its cache by; nothing is ever fetched from it.
const JWKS_CACHE_KEY = 'https://peerflow.invalid/.well-known/jwks.json';

/** How far ahead of this clock a token's `iat` may be: the clocks of two machines differ a little. */
export const CLOCK_SKEW_SECONDS = 60;

export interface VerifiedToken {
  userId: string;
  role: UserRole;
  /** `jti`: names this one token (a logout ends it alone). */
  tokenId: string;
  /** `exp`, epoch seconds. */
  expiresAt: number;
  /** `gen`: the user's token generation when it was issued; tokens before the first change have none. */
  generation: number;
}

const isWholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/**
 * Besides the signature, issuer, audience and expiry, a token must say when it was issued and when
 * it ends: an `iat` no further ahead than the clock skew, an `exp`, and no longer a life than tokens
 * are issued with (`TOKEN_TTL_SECONDS`), so a key that signed one odd token cannot make it last.
 */
export function createTokenVerifier(jwks: Jwks) {
  const { JWT_ISSUER, JWT_AUDIENCE, TOKEN_TTL_SECONDS } = config();
  const verifier = JwtVerifier.create(
    { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, jwksUri: JWKS_CACHE_KEY },
    { jwksCache: new SimpleJwksCache({ fetcher: offlineFetcher }) },
  );
  verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return (token: string): VerifiedToken => {
    const payload = verifier.verifySync(token);
    const role = RoleSchema.safeParse(payload.role);
    const { sub, jti, iat, exp } = payload;
    const gen = payload.gen ?? 0;
    if (
      typeof sub !== 'string' ||
      !sub ||
      !role.success ||
      typeof jti !== 'string' ||
      !jti ||
      !isWholeNumber(iat) ||
      !isWholeNumber(exp) ||
      !isWholeNumber(gen) ||
      gen < 0
    ) {
      throw new TokenClaimsError('token claims incomplete');
    }
    if (iat > Math.floor(Date.now() / 1000) + CLOCK_SKEW_SECONDS) {
      throw new TokenClaimsError('token issued in the future');
    }
    if (exp - iat > TOKEN_TTL_SECONDS) {
      throw new TokenClaimsError('token lives longer than tokens are issued for');
    }
    return { userId: sub, role: role.data, tokenId: jti, expiresAt: exp, generation: gen };
  };
}
