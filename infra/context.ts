import type { Node } from 'constructs';

/**
 * Everything a deployment can be told with `-c key=value`. Values arrive as strings from the command
 * line and as JSON values from cdk.json, so each one is checked here once and the stack only ever
 * sees typed, valid settings.
 */
export interface DeploymentContext {
  customer: string;
  /** The hosted zone the API is published under as `api-<customer>.<domain>`. */
  domain?: string;
  hostedZoneId?: string;
  /** The domain (SES identity) peering mail is sent from; defaults to `domain`. */
  emailDomain?: string;
  /** A single sending address verified as the SES identity when no domain is known. */
  emailFrom?: string;
  /**
   * How long API Gateway reuses an authorizer's answer for one Authorization header: a logout or a
   * change that ends tokens takes up to this long, plus the authorizer's own AUTH_USER_CACHE_SECONDS
   * (5), to reach a token already in use. 55 by default, so at most a minute.
   */
  authorizerCacheSeconds: number;
  throttleRate: number;
  throttleBurst: number;
  /** Browser origins allowed to call the API; CORS stays off when empty. */
  corsOrigins: string[];
  /** Whether to create the secret that holds a PeeringDB API key. */
  peeringdbApiKey: boolean;
  logRetentionDays: number;
  /** The first admin's email; the account is created with a generated password kept in a secret. */
  adminEmail?: string;
  /** Who is mailed when the sync fails; alarms only show in CloudWatch without it. */
  alarmEmail?: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * The login route's own throttle (requests per second and burst, for all callers together), or
   * undefined when `-c loginThrottle=false`. HTTP APIs take no WAF web ACL: see the README.
   */
  loginThrottle?: { rateLimit: number; burstLimit: number };
  /**
   * Where the deployment function reaches routers' management addresses: private subnets of a VPC
   * with a route to them, and the security groups it runs in. Without them delivery is off (the
   * deployment routes answer 503 and say so).
   */
  delivery?: { subnetIds: string[]; securityGroupIds: string[]; pollMinutes: number };
  /** The IRR server prefix lists are fetched from (whois.radb.net:43 by default) and its sources. */
  irr: { host: string; port: number; sources: string };
}

export class ContextError extends Error {
  override name = 'ContextError';
}

const CUSTOMER = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^\s@<>()",;]{1,64}@[^\s@<>()",;]{1,253}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
/** The retention periods CloudWatch Logs accepts. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new ContextError(`context "${key}" must be a plain value`);
  }
  return String(value).trim();
}

function integer(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ContextError(`context "${key}" must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(node: Node, key: string, fallback = false): boolean {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  if (raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ContextError(`context "${key}" must be true or false, got "${raw}"`);
}

export function readDeploymentContext(node: Node): DeploymentContext {
  const customer = text(node, 'customer');
  if (customer === undefined) {
    throw new ContextError('context "customer" is required: cdk synth -c customer=<name>');
  }
  if (!CUSTOMER.test(customer)) {
    throw new ContextError(
      `context "customer" must be 1 to 32 lowercase letters, digits or inner hyphens, got "${customer}"`,
    );
  }

  const domain = text(node, 'domain')?.toLowerCase();
  if (domain !== undefined && !DOMAIN.test(domain)) {
    throw new ContextError(`context "domain" must be a DNS zone like example.net, got "${domain}"`);
  }
  const hostedZoneId = text(node, 'hostedZoneId');
  if (hostedZoneId !== undefined && !HOSTED_ZONE_ID.test(hostedZoneId)) {
    throw new ContextError(`context "hostedZoneId" must be a Route 53 zone id like Z0123456789ABC`);
  }
  if (hostedZoneId !== undefined && domain === undefined) {
    throw new ContextError('context "hostedZoneId" needs "domain" (the name of that zone)');
  }

  const emailDomain = text(node, 'emailDomain')?.toLowerCase() ?? domain;
  if (emailDomain !== undefined && !DOMAIN.test(emailDomain)) {
    throw new ContextError(`context "emailDomain" must be a domain like example.net, got "${emailDomain}"`);
  }
  const emailFrom = text(node, 'emailFrom');
  if (emailFrom !== undefined && !EMAIL.test(emailFrom)) {
    throw new ContextError(`context "emailFrom" must be an email address, got "${emailFrom}"`);
  }

  const adminEmail = text(node, 'adminEmail');
  if (adminEmail !== undefined && !EMAIL.test(adminEmail)) {
    throw new ContextError(`context "adminEmail" must be an email address, got "${adminEmail}"`);
  }
  const alarmEmail = text(node, 'alarmEmail');
  if (alarmEmail !== undefined && !EMAIL.test(alarmEmail)) {
    throw new ContextError(`context "alarmEmail" must be an email address, got "${alarmEmail}"`);
  }

  const corsOrigins = (text(node, 'corsOrigins') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^\s/]+$/.test(origin)) {
      throw new ContextError(
        `context "corsOrigins" takes origins like https://portal.example.net, got "${origin}"`,
      );
    }
  }

  const logRetentionDays = integer(node, 'logRetentionDays', 30, 1, 3653);
  if (!RETENTION_DAYS.includes(logRetentionDays)) {
    throw new ContextError(`context "logRetentionDays" must be one of ${RETENTION_DAYS.join(', ')}`);
  }
  const logLevel = (text(node, 'logLevel') ?? 'INFO').toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ContextError(`context "logLevel" must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const list = (key: string, pattern: RegExp, example: string) => {
    const values = (text(node, key) ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    for (const v of values) {
      if (!pattern.test(v)) throw new ContextError(`context "${key}" takes ids like ${example}, got "${v}"`);
    }
    return values;
  };
  const subnetIds = list('deliverySubnetIds', /^subnet-[0-9a-f]{8,17}$/, 'subnet-0123456789abcdef0');
  const securityGroupIds = list('deliverySecurityGroupIds', /^sg-[0-9a-f]{8,17}$/, 'sg-0123456789abcdef0');
  if ((subnetIds.length === 0) !== (securityGroupIds.length === 0)) {
    throw new ContextError('contexts "deliverySubnetIds" and "deliverySecurityGroupIds" go together');
  }

  const irrHost = text(node, 'irrHost') ?? 'whois.radb.net';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(irrHost))
    throw new ContextError('context "irrHost" must be a host name or address');
  const irrSources = (text(node, 'irrSources') ?? 'RADB,RIPE,ARIN,APNIC,AFRINIC,LACNIC').toUpperCase();
  if (!/^[A-Z][A-Z0-9-]{0,31}(,[A-Z][A-Z0-9-]{0,31}){0,29}$/.test(irrSources)) {
    throw new ContextError('context "irrSources" takes registry names joined by commas, like RADB,RIPE');
  }

  return {
    customer,
    domain,
    hostedZoneId,
    emailDomain,
    emailFrom,
    authorizerCacheSeconds: integer(node, 'authorizerCacheSeconds', 55, 0, 3600),
    throttleRate: integer(node, 'throttleRate', 50, 1, 10_000),
    throttleBurst: integer(node, 'throttleBurst', 100, 1, 5_000),
    corsOrigins,
    peeringdbApiKey: flag(node, 'peeringdbApiKey'),
    logRetentionDays,
    adminEmail,
    alarmEmail,
    logLevel: logLevel as DeploymentContext['logLevel'],
    ...(flag(node, 'loginThrottle', true)
      ? {
          loginThrottle: {
            rateLimit: integer(node, 'loginThrottleRate', 10, 1, 10_000),
            burstLimit: integer(node, 'loginThrottleBurst', 20, 1, 5_000),
          },
        }
      : {}),
    ...(subnetIds.length > 0
      ? {
          delivery: {
            subnetIds,
            securityGroupIds,
            // Minutes between two scheduled polls of the routers' session states.
            pollMinutes: integer(node, 'pollMinutes', 5, 1, 1440),
          },
        }
      : {}),
    irr: { host: irrHost, port: integer(node, 'irrPort', 43, 1, 65_535), sources: irrSources },
  };
}
