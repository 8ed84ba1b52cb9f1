import * as z from '../platform/zod';
import { isValidHostname, MAX_ASN } from '../config-render';
import { canonicalIp, ipVersion } from '../kernel';
import { PlatformSchema } from './routers-store';

/**
 * Shapes shared by the routers and sessions contracts. They live apart from the route contracts
 * (`routes.ts`), so that a function of another area that takes them does not carry the routers'
 * contracts too.
 */
export const Asn = z
  .number()
  .check(z.integer(), z.gte(1, 'AS numbers start at 1'), z.lte(MAX_ASN, `AS numbers end at ${MAX_ASN}`));

export const IpAddress = z
  .pipe(
    z.string().check(
      z.maxLength(64),
      z.refine((v) => ipVersion(v) !== undefined, { message: 'must be an IPv4 or IPv6 address' }),
    ),
    z.transform((v) => canonicalIp(v) as string),
  )
  .check(z.meta({ description: 'IPv4 or IPv6 address; stored in canonical form' }));

export const Ipv4Address = z.string().check(
  z.maxLength(15),
  z.refine((v) => ipVersion(v) === 'ipv4', { message: 'must be an IPv4 address' }),
);

export const Hostname = z
  .string()
  .check(
    z.maxLength(253),
    z.refine(isValidHostname, { message: 'must be a DNS host name (letters, digits, hyphens, dots)' }),
  );

export const RenderedConfigSchema = z
  .object({
    router_id: z.string(),
    hostname: z.string(),
    platform: PlatformSchema,
    session_ids: z.array(z.string()),
    config: z.string(),
    sha256: z.string(),
  })
  .check(
    z.meta({
      id: 'RenderedConfig',
      description: 'BGP neighbor configuration; passwords appear as a placeholder, never in clear',
    }),
  );

/** An RPKI-to-router (RTR) server: an IP address or a DNS host name, and its TCP port. */
export const RtrServerSchema = z
  .strictObject({
    host: z.union([IpAddress, Hostname]),
    port: z.int().check(z.gte(1), z.lte(65_535)),
  })
  .check(z.meta({ id: 'RtrServer' }));

/** A router's RTR servers, in order of preference. */
export const RtrServers = z.array(RtrServerSchema).check(z.maxLength(8));
