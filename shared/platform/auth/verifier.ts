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

// The verifier wants a JWKS URI to key its cache by; nothing is ever fetched from it.
const JWKS_CACHE_KEY = 'https://peerflow.invalid/.well-known/jwks.json';

export interface VerifiedToken {
  userId: string;
  role: UserRole;
}

export function createTokenVerifier(jwks: Jwks) {
  const { JWT_ISSUER, JWT_AUDIENCE } = config();
  const verifier = JwtVerifier.create(
    { issuer: JWT_ISSUER, audience: JWT_AUDIENCE, jwksUri: JWKS_CACHE_KEY },
    { jwksCache: new SimpleJwksCache({ fetcher: offlineFetcher }) },
  );
  verifier.cacheJwks(jwks as Parameters<typeof verifier.cacheJwks>[0]);
  return (token: string): VerifiedToken => {
    const payload = verifier.verifySync(token);
    const role = RoleSchema.safeParse(payload.role);
    if (typeof payload.sub !== 'string' || !payload.sub || !role.success || typeof payload.iat !== 'number') {
      throw new Error('token claims incomplete');
    }
    return { userId: payload.sub, role: role.data };
  };
}
