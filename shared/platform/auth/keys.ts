import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../zod';
import { config } from '../config';

/** The signing algorithm of every token peerflow issues. */
export const SIGNING_ALG = 'ES256';

const PrivateJwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().check(z.minLength(1)),
  y: z.string().check(z.minLength(1)),
  d: z.string().check(z.minLength(1)),
  kid: z.string().check(z.minLength(1)),
});
export type PrivateJwk = z.infer<typeof PrivateJwkSchema>;

const PublicJwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string(),
  y: z.string(),
  kid: z.string(),
  alg: z.literal(SIGNING_ALG),
  use: z.literal('sig'),
});
export const JwksSchema = z.object({ keys: z.array(PublicJwkSchema).check(z.minLength(1)) });
export type Jwks = z.infer<typeof JwksSchema>;

export function generateSigningKey(): PrivateJwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JsonWebKey;
  return PrivateJwkSchema.parse({ ...jwk, kid: crypto.randomUUID() });
}

export function publicJwks(key: PrivateJwk): Jwks {
  return {
    keys: [{ kty: key.kty, crv: key.crv, x: key.x, y: key.y, kid: key.kid, alg: SIGNING_ALG, use: 'sig' }],
  };
}

export function localKeyFile(): string {
  return join(config().DATA_DIR, 'signing-key.json');
}

/** Local runtime: the key is generated once and kept in the data folder. */
export function loadOrCreateLocalKey(file = localKeyFile()): PrivateJwk {
  try {
    return PrivateJwkSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = generateSigningKey();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(key), { mode: 0o600, flag: 'wx' });
  return key;
}

async function readSecret(arn: string): Promise<unknown> {
  const client = new SecretsManagerClient({ region: config().AWS_REGION });
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error('signing key secret is empty');
  return JSON.parse(out.SecretString);
}

let signingKey: Promise<PrivateJwk> | undefined;
let jwks: Promise<Jwks> | undefined;

/** The private key (login only). In AWS from Secrets Manager; locally from the data folder. */
export function loadSigningKey(): Promise<PrivateJwk> {
  signingKey ??= (async () => {
    const arn = config().SIGNING_KEY_SECRET_ARN;
    return arn ? PrivateJwkSchema.parse(await readSecret(arn)) : loadOrCreateLocalKey();
  })();
  return signingKey;
}

/** The public keys (authorizer, JWKS route), loaded once per cold start. */
export function loadJwks(): Promise<Jwks> {
  jwks ??= (async () => {
    const arn = config().JWKS_SECRET_ARN;
    return arn ? JwksSchema.parse(await readSecret(arn)) : publicJwks(loadOrCreateLocalKey());
  })();
  return jwks;
}

/** Local runtime and tests only: forget loaded keys after the data folder changed. */
export function resetKeys(): void {
  signingKey = undefined;
  jwks = undefined;
}
