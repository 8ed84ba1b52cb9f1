import * as z from './zod';

/**
 * Runtime configuration, read from the environment once per cold start. A bad value fails the
 * cold start instead of the first request that happens to need it.
 */
const ConfigSchema = z.object({
  TABLE_NAME: z._default(z.string().check(z.minLength(1)), 'peerflow'),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /** Set locally and in tests: the DynamoDB Local endpoint. Unset in AWS. */
  DDB_ENDPOINT: z.optional(z.url()),
  /** Set locally and in tests: the local SES endpoint. Unset in AWS. */
  SES_ENDPOINT: z.optional(z.url()),
  JWT_ISSUER: z._default(z.string().check(z.minLength(1)), 'peerflow'),
  JWT_AUDIENCE: z._default(z.string().check(z.minLength(1)), 'peerflow-api'),
  TOKEN_TTL_SECONDS: z._default(z.coerce.number().check(z.integer(), z.gte(60), z.lte(86_400)), 3600),
  /** Seconds the authorizer may trust a user's enabled flag and role before reading them again. */
  AUTH_USER_CACHE_SECONDS: z._default(z.coerce.number().check(z.integer(), z.gte(0), z.lte(3600)), 5),
  /** AWS: the secret holding the private signing JWK; the public JWKS secret beside it. */
  SIGNING_KEY_SECRET_ARN: z.optional(z.string()),
  JWKS_SECRET_ARN: z.optional(z.string()),
  /** AWS: the secret holding the key that signs list cursors; locally a key file in DATA_DIR is used. */
  CURSOR_KEY_SECRET_ARN: z.optional(z.string()),
  /** Local: the folder holding the data that persists across restarts (signing key, DynamoDB files). */
  DATA_DIR: z._default(z.string().check(z.minLength(1)), '.data'),
  /** AWS: the PeeringDB sync function that `POST /sync/peeringdb` starts asynchronously. */
  SYNC_FUNCTION_NAME: z.optional(z.string()),
  /** AWS: the state machine that runs deployments to routers; unset when delivery is off. */
  DEPLOYMENT_STATE_MACHINE_ARN: z.optional(z.string()),
  /** AWS: the polling function (in the delivery VPC) that `POST /routers/{id}/poll` invokes. */
  POLL_FUNCTION_NAME: z.optional(z.string()),
  PEERINGDB_URL: z._default(z.url(), 'https://www.peeringdb.com/api'),
  /** AWS: the secret holding the PeeringDB API key (optional); locally the key itself. */
  PEERINGDB_API_KEY_SECRET_ARN: z.optional(z.string()),
  PEERINGDB_API_KEY: z.optional(z.string()),
  /** How long one DynamoDB or SES request may wait for its answer before the SDK tries again. */
  AWS_REQUEST_TIMEOUT_MS: z._default(z.coerce.number().check(z.integer(), z.gte(50), z.lte(20_000)), 1500),
  /** AWS: the SES configuration set peering mail is sent with. */
  SES_CONFIGURATION_SET: z.optional(z.string()),
  /** AWS: the KMS key that encrypts BGP session passwords; locally a key file in DATA_DIR is used. */
  SESSION_PASSWORD_KEY_ID: z.optional(z.string()),
  /** AWS: the EventBridge bus peerflow's events are published on; unset locally (delivered in-process). */
  EVENT_BUS_NAME: z.optional(z.string()),
  /** AWS: the state machine that waits between the attempts of a webhook delivery. */
  WEBHOOK_RETRY_STATE_MACHINE_ARN: z.optional(z.string()),
  /** Local and tests only: webhooks may call loopback addresses (and over plain http). Off in AWS. */
  WEBHOOK_ALLOW_LOOPBACK: z._default(z.stringbool(), false),
  /** The first wait before a webhook delivery is tried again; each later wait doubles it. */
  WEBHOOK_RETRY_BASE_SECONDS: z._default(z.coerce.number().check(z.gte(0.001), z.lte(3600)), 30),
  /** How long one webhook call may take, connection to answer, before it counts as failed. */
  WEBHOOK_TIMEOUT_MS: z._default(z.coerce.number().check(z.integer(), z.gte(100), z.lte(30_000)), 5000),
  /** The IRR server prefix lists are built from (IRRd query protocol, as bgpq4 speaks it). */
  IRR_HOST: z._default(
    z.string().check(z.minLength(1), z.maxLength(253), z.regex(/^[A-Za-z0-9.:-]+$/)),
    'whois.radb.net',
  ),
  IRR_PORT: z._default(z.coerce.number().check(z.integer(), z.gte(1), z.lte(65_535)), 43),
  /** The registries searched, in order (`!s`): names joined by commas. */
  IRR_SOURCES: z._default(
    z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9-]{0,31}(,[A-Za-z][A-Za-z0-9-]{0,31}){0,29}$/)),
    'RADB,RIPE,ARIN,APNIC,AFRINIC,LACNIC',
  ),
  /** How long the IRR server may stay silent while an answer is awaited. */
  IRR_TIMEOUT_MS: z._default(z.coerce.number().check(z.integer(), z.gte(100), z.lte(600_000)), 8000),
  /** A peer whose sets hold more prefixes (IPv4 and IPv6 together) is refused: status too_large. */
  IRR_MAX_PREFIXES: z._default(z.coerce.number().check(z.integer(), z.gte(1), z.lte(2_000_000)), 100_000),
  /** A peer whose sets hold more member ASNs is refused the same way. */
  IRR_MAX_ASNS: z._default(z.coerce.number().check(z.integer(), z.gte(1), z.lte(500_000)), 20_000),
  /** Merge neighbouring prefixes into ranges, as bgpq4 -A. */
  IRR_AGGREGATE: z._default(z.stringbool(), false),
  /** How many refreshes each peer's history keeps. */
  IRR_HISTORY_VERSIONS: z._default(z.coerce.number().check(z.integer(), z.gte(1), z.lte(100)), 10),
  LOG_LEVEL: z._default(z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']), 'INFO'),
  /** Tests turn this on so every response is checked against its route's response schema. */
  VALIDATE_RESPONSES: z._default(z.stringbool(), false),
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
