import { createPrivateKey, sign } from 'node:crypto';
import { config } from '../config';
import { toBase64UrlJson } from '../encoding';
import type { UserRole } from './caller';
import { type PrivateJwk, SIGNING_ALG } from './keys';

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/**
 * A compact JWS (ES256) with the claims the authorizer checks. `gen` is the user's token generation:
 * a change that must end the user's tokens raises it, and the authorizer refuses an older one.
 */
export function issueToken(
  key: PrivateJwk,
  subject: { userId: string; role: UserRole; generation: number },
  now = new Date(),
): IssuedToken {
  const { JWT_ISSUER, JWT_AUDIENCE, TOKEN_TTL_SECONDS } = config();
  const iat = Math.floor(now.getTime() / 1000);
  const exp = iat + TOKEN_TTL_SECONDS;
  const header = { alg: SIGNING_ALG, typ: 'JWT', kid: key.kid };
  const claims = {
    sub: subject.userId,
    role: subject.role,
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat,
    exp,
    jti: crypto.randomUUID(),
    gen: subject.generation,
  };
  const signingInput = `${toBase64UrlJson(header)}.${toBase64UrlJson(claims)}`;
  const privateKey = createPrivateKey({ key: key, format: 'jwk' });
  const signature = sign('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return { token: `${signingInput}.${signature.toString('base64url')}`, expiresAt: new Date(exp * 1000) };
}
