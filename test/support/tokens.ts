import { createHmac, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { generateSigningKey, loadSigningKey, type PrivateJwk } from '../../shared/platform/auth/keys';
import { config } from '../../shared/platform/config';

/**
 * Hand-made tokens for the authorization tests. Each one differs from a good token in exactly one
 * way, so a refusal can only come from that one flaw.
 */
export interface TokenParts {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** How the signing input is signed: with a private EC key (ES256), an HMAC secret, or not at all. */
  signer?: { es256: PrivateJwk } | { hs256: Buffer | string } | 'none';
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** A compact JWS. Header and claims default to what peerflow itself would issue for that user. */
export function mintToken(
  key: PrivateJwk,
  subject: { userId: string; role: string },
  parts: TokenParts = {},
) {
  const { JWT_ISSUER, JWT_AUDIENCE, TOKEN_TTL_SECONDS } = config();
  const iat = Math.floor(Date.now() / 1000);
  const signer = parts.signer ?? { es256: key };
  const alg = signer === 'none' ? 'none' : 'es256' in signer ? 'ES256' : 'HS256';
  const header = { alg, typ: 'JWT', kid: key.kid, ...parts.header };
  const claims = {
    sub: subject.userId,
    role: subject.role,
    iss: JWT_ISSUER,
    aud: JWT_AUDIENCE,
    iat,
    exp: iat + TOKEN_TTL_SECONDS,
    jti: crypto.randomUUID(),
    ...parts.claims,
  };
  const input = `${b64url(header)}.${b64url(claims)}`;
  if (signer === 'none') return `${input}.`;
  const signature =
    'es256' in signer
      ? sign('sha256', Buffer.from(input), {
          key: createPrivateKey({ key: signer.es256, format: 'jwk' }),
          dsaEncoding: 'ieee-p1363',
        })
      : createHmac('sha256', signer.hs256).update(input).digest();
  return `${input}.${signature.toString('base64url')}`;
}

/** The public half of a signing key as PEM: what an HS256 confusion attack uses as its HMAC secret. */
export function publicKeyPem(key: PrivateJwk): string {
  return createPublicKey({ key: { kty: key.kty, crv: key.crv, x: key.x, y: key.y }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

export type TokenFlaw =
  | 'malformed'
  | 'expired'
  | 'bad signature'
  | 'alg none'
  | 'HS256 with the public key'
  | 'wrong issuer'
  | 'wrong audience'
  | 'unknown kid'
  | 'unknown user'
  | 'disabled user';

/**
 * One bad Authorization header per flaw, for a user that exists and is enabled (`good`) and one
 * that is disabled; `valid` is the same recipe with no flaw, to prove the recipe itself is sound.
 */
export async function badTokens(
  good: { userId: string; role: string },
  disabled: { userId: string; role: string },
) {
  const key = await loadSigningKey();
  const foreign = { ...generateSigningKey(), kid: key.kid };
  const hour = 3600;
  const now = Math.floor(Date.now() / 1000);
  const bearer = (token: string) => `Bearer ${token}`;
  const headers: Record<TokenFlaw, string> = {
    malformed: 'Bearer not-a-token',
    expired: bearer(mintToken(key, good, { claims: { iat: now - 2 * hour, exp: now - hour } })),
    'bad signature': bearer(mintToken(key, good, { signer: { es256: foreign } })),
    'alg none': bearer(mintToken(key, good, { signer: 'none' })),
    'HS256 with the public key': bearer(mintToken(key, good, { signer: { hs256: publicKeyPem(key) } })),
    'wrong issuer': bearer(mintToken(key, good, { claims: { iss: `${config().JWT_ISSUER}-elsewhere` } })),
    'wrong audience': bearer(mintToken(key, good, { claims: { aud: `${config().JWT_AUDIENCE}-elsewhere` } })),
    'unknown kid': bearer(mintToken(key, good, { header: { kid: crypto.randomUUID() } })),
    'unknown user': bearer(mintToken(key, { userId: crypto.randomUUID(), role: good.role })),
    'disabled user': bearer(mintToken(key, disabled)),
  };
  return { valid: bearer(mintToken(key, good)), headers };
}
