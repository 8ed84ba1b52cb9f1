import * as z from 'zod';

/**
 * Runtime configuration, read from the environment once per cold start. A bad value fails the
 * cold start instead of the first request that happens to need it.
 */
const ConfigSchema = z.object({
  TABLE_NAME: z.string().min(1).default('peerflow'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Set locally and in tests: the DynamoDB Local endpoint. Unset in AWS. */
  DDB_ENDPOINT: z.url().optional(),
  /** Set locally and in tests: the local SES endpoint. Unset in AWS. */
  SES_ENDPOINT: z.url().optional(),
  JWT_ISSUER: z.string().min(1).default('peerflow'),
  JWT_AUDIENCE: z.string().min(1).default('peerflow-api'),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
  /** Seconds the authorizer may trust a user's enabled flag and role before reading them again. */
  AUTH_USER_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  /** AWS: the secret holding the private signing JWK; the public JWKS secret beside it. */
  SIGNING_KEY_SECRET_ARN: z.string().optional(),
  JWKS_SECRET_ARN: z.string().optional(),
  /** Local: the folder holding the data that persists across restarts (signing key, DynamoDB files). */
  DATA_DIR: z.string().min(1).default('.data'),
  /** AWS: the PeeringDB sync function that `POST /sync/peeringdb` starts asynchronously. */
  SYNC_FUNCTION_NAME: z.string().optional(),
  PEERINGDB_URL: z.url().default('https://www.peeringdb.com/api'),
  /** AWS: the secret holding the PeeringDB API key (optional); locally the key itself. */
  PEERINGDB_API_KEY_SECRET_ARN: z.string().optional(),
  PEERINGDB_API_KEY: z.string().optional(),
  /** AWS: the SES configuration set peering mail is sent with. */
  SES_CONFIGURATION_SET: z.string().optional(),
  /** AWS: the KMS key that encrypts BGP session passwords; locally a key file in DATA_DIR is used. */
  SESSION_PASSWORD_KEY_ID: z.string().optional(),
  LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']).default('INFO'),
  /** Tests turn this on so every response is checked against its route's response schema. */
  VALIDATE_RESPONSES: z.stringbool().default(false),
});

export type Config = z.infer<typeof ConfigSchema>;

let cached: Config | undefined;

export function config(): Config {
  if (!cached) {
    const parsed = ConfigSchema.safeParse(process.env);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`invalid configuration: ${fields}`);
    }
    cached = parsed.data;
  }
  return cached;
}

/** Local runtime and tests only: forget the cached configuration after changing the environment. */
export function resetConfig(): void {
  cached = undefined;
}
