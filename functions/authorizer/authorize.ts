import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import type { Caller } from '../../shared/platform/auth/caller';
import { loadJwks } from '../../shared/platform/auth/keys';
import { createTokenVerifier } from '../../shared/platform/auth/verifier';
import { config } from '../../shared/platform/config';
import { logger } from '../../shared/platform/logger';
import { type StoredUser, usersRepository } from '../../shared/users';

/**
 * The Lambda REQUEST authorizer of every protected route (HTTP API, payload 2.0, simple responses).
 * It verifies the bearer token with aws-jwt-verify against the JWKS loaded once per cold start, then
 * checks that the user still exists and is enabled; the role comes from the user, not the token, so
 * a demotion counts at once. Any failure throws "Unauthorized", which API Gateway answers with 401.
 */
const verify = createTokenVerifier(await loadJwks());

const userCache = new Map<string, { user: StoredUser | undefined; until: number }>();

async function currentUser(userId: string): Promise<StoredUser | undefined> {
  const ttlMs = config().AUTH_USER_CACHE_SECONDS * 1000;
  const now = Date.now();
  const hit = userCache.get(userId);
  if (hit && hit.until > now) return hit.user;
  const user = await usersRepository.get(userId);
  if (ttlMs > 0) {
    if (userCache.size > 10_000) userCache.clear();
    userCache.set(userId, { user, until: now + ttlMs });
  }
  return user;
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
  let claims: { userId: string; role: string };
  try {
    claims = verify(match[1]!);
  } catch (err) {
    logger.info('token refused', { reason: (err as Error).name });
    throw new UnauthorizedSignal();
  }
  const user = await currentUser(claims.userId);
  if (!user || user.disabled) {
    logger.info('token refused', { reason: user ? 'user disabled' : 'user unknown', user_id: claims.userId });
    throw new UnauthorizedSignal();
  }
  return { userId: user.id, role: user.role, email: user.email };
}

export const handler = async (
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<Caller & Record<string, string>>> => {
  const headers = event.headers ?? {};
  const authorization = headers.authorization ?? headers.Authorization;
  const caller = await authorize(authorization);
  return { isAuthorized: true, context: { ...caller } };
};
