import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import type { Caller } from '../../shared/platform/auth/caller';
import { loadJwks } from '../../shared/platform/auth/keys';
import { createTokenVerifier, type VerifiedToken } from '../../shared/platform/auth/verifier';
import { config } from '../../shared/platform/config';
import { logger } from '../../shared/platform/logger';
import { usersRepository } from '../../shared/users';

/**
 * The Lambda REQUEST authorizer of every protected route (HTTP API, payload 2.0, simple responses).
 * It verifies the bearer token with aws-jwt-verify against the JWKS loaded once per cold start, then
 * reads the user and the token's revocation in one round trip: the user must exist, be enabled and
 * be at the token generation the token was issued at (a password, role or disabled change raises it),
 * and the token must not have been logged out. The role comes from the user, not the token. Any
 * failure throws "Unauthorized", which API Gateway answers with 401.
 */
const verify = createTokenVerifier(await loadJwks());

type TokenState = Awaited<ReturnType<typeof usersRepository.getForToken>>;
const tokenCache = new Map<string, { state: TokenState; until: number }>();

/** What the table says of this token's user and of the token, trusted for AUTH_USER_CACHE_SECONDS. */
async function tokenState(userId: string, tokenId: string): Promise<TokenState> {
  const ttlMs = config().AUTH_USER_CACHE_SECONDS * 1000;
  const now = Date.now();
  const cacheKey = `${userId} ${tokenId}`;
  const hit = tokenCache.get(cacheKey);
  if (hit && hit.until > now) return hit.state;
  const state = await usersRepository.getForToken(userId, tokenId);
  if (ttlMs > 0) {
    if (tokenCache.size > 10_000) tokenCache.clear();
    tokenCache.set(cacheKey, { state, until: now + ttlMs });
  }
  return state;
}

// The scheme is case-insensitive (RFC 9110, 11.1): `bearer` and `BEARER` name it too.
const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;

export class UnauthorizedSignal extends Error {
  constructor() {
    // API Gateway maps exactly this message to a 401.
    super('Unauthorized');
  }
}

export async function authorize(authorization: string | undefined): Promise<Caller> {
  const match = authorization ? BEARER.exec(authorization.trim()) : null;
  if (!match) throw new UnauthorizedSignal();
  let claims: VerifiedToken;
  try {
    claims = verify(match[1]!);
  } catch (err) {
    logger.info('token refused', { reason: (err as Error).name });
    throw new UnauthorizedSignal();
  }
  const { user, revoked } = await tokenState(claims.userId, claims.tokenId);
  const reason = !user
    ? 'user unknown'
    : user.disabled
      ? 'user disabled'
      : user.token_generation !== claims.generation
        ? 'token ended by a change of the user'
        : revoked
          ? 'token logged out'
          : undefined;
  if (!user || reason) {
    logger.info('token refused', { reason, user_id: claims.userId });
    throw new UnauthorizedSignal();
  }
  return {
    userId: user.id,
    role: user.role,
    email: user.email,
    tokenId: claims.tokenId,
    tokenExpiresAt: String(claims.expiresAt),
  };
}

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<Caller & Record<string, string>>> => {
  const headers = event.headers ?? {};
  const authorization = headers.authorization ?? headers.Authorization;
  const caller = await authorize(authorization);
  return { isAuthorized: true, context: { ...caller } };
};
