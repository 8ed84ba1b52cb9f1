import type { Contact, Network } from '../peeringdb';
import type { QualificationRules } from '../settings';

/** A coordinator's decision that wins over the rules, with the reason they gave. */
export interface QualificationOverride {
  qualified: boolean;
  reason: string;
  user: string | null;
  time: string;
}

export interface Qualification {
  qualified: boolean;
  /** One line per rule that took part in the verdict, passed or failed, so every verdict explains itself. */
  reasons: string[];
  overridden: boolean;
}

/** What the verdict depends on from our own side, beyond the rules. */
export interface QualificationContext {
  /** Our own ASN never qualifies as a peer of ourselves. */
  ownAsn?: number | null;
  /** The ASNs the exchange names as its route servers' (PeeringDB `ixlan.rs_asn`). */
  routeServerAsns?: ReadonlySet<number>;
}

/** PeeringDB's network type for route servers (`info_type`, and one of `info_types`). */
export const ROUTE_SERVER_TYPE = 'Route Server';

/**
 * Why a network is a route server rather than a bilateral peer, or null when it is not: PeeringDB
 * types it so, or the exchange names its ASN as the route servers'.
 */
export function routeServerReason(
  network: Pick<Network, 'asn' | 'info_type' | 'info_types'>,
  routeServerAsns: ReadonlySet<number> = new Set(),
): string | null {
  if (network.info_type === ROUTE_SERVER_TYPE || network.info_types.includes(ROUTE_SERVER_TYPE)) {
    return `route server (info_type ${ROUTE_SERVER_TYPE})`;
  }
  if (routeServerAsns.has(network.asn)) {
    return `route server (AS${network.asn} is the exchange's route-server ASN)`;
  }
  return null;
}

interface Check {
  passed: boolean;
  reason: string;
}

const shown = (value: string) => (value === '' ? 'not set' : value);

function minimumPrefixes(label: string, value: number | null, minimum: number): Check | undefined {
  if (minimum <= 0) return undefined;
  if (value === null) return { passed: false, reason: `${label} not disclosed (minimum ${minimum})` };
  return value >= minimum
    ? { passed: true, reason: `${label} ${value} meets minimum ${minimum}` }
    : { passed: false, reason: `${label} ${value} below ${minimum}` };
}

function allowedValue(label: string, value: string, allowed: readonly string[]): Check | undefined {
  if (allowed.length === 0) return undefined;
  return allowed.includes(value)
    ? { passed: true, reason: `${label} ${shown(value)} is allowed` }
    : { passed: false, reason: `${label} ${shown(value)} is not allowed (allowed: ${allowed.join(', ')})` };
}

function ruleChecks(
  network: Network,
  contacts: readonly Contact[],
  rules: QualificationRules,
  context: QualificationContext,
): Check[] {
  const checks: (Check | undefined)[] = [];
  if (context.ownAsn !== undefined && context.ownAsn !== null && network.asn === context.ownAsn) {
    checks.push({ passed: false, reason: `AS${network.asn} is our own ASN` });
  }
  // Like our own ASN, a route server is named only when it is one: "not a route server" on every
  // other peer would say nothing.
  const routeServer = rules.exclude_route_servers
    ? routeServerReason(network, context.routeServerAsns)
    : null;
  if (routeServer) checks.push({ passed: false, reason: routeServer });
  if (rules.excluded_asns.length > 0) {
    checks.push(
      rules.excluded_asns.includes(network.asn)
        ? { passed: false, reason: `AS${network.asn} is excluded` }
        : { passed: true, reason: `AS${network.asn} is not excluded` },
    );
  }
  checks.push(minimumPrefixes('info_prefixes4', network.info_prefixes4, rules.min_prefixes4));
  checks.push(minimumPrefixes('info_prefixes6', network.info_prefixes6, rules.min_prefixes6));
  checks.push(allowedValue('policy_general', network.policy_general, rules.allowed_policies));
  checks.push(allowedValue('info_type', network.info_type, rules.allowed_types));
  checks.push(allowedValue('info_ratio', network.info_ratio, rules.allowed_ratios));
  if (rules.require_policy_contact) {
    const policy = contacts.find((c) => c.role === 'Policy' && c.email !== '');
    checks.push(
      policy
        ? { passed: true, reason: 'has a policy contact with an email' }
        : { passed: false, reason: 'no policy contact with an email' },
    );
  }
  if (rules.require_ipv6) {
    checks.push(
      network.info_ipv6
        ? { passed: true, reason: 'info_ipv6 is set' }
        : { passed: false, reason: 'info_ipv6 is not set' },
    );
  }
  return checks.filter((c): c is Check => c !== undefined);
}

/**
 * The verdict on one network under the operator's rules. Pure: it reads only its arguments, so a rule
 * change or a PeeringDB update shows in the next read with nothing to recompute or store.
 */
export function qualify(
  network: Network,
  contacts: readonly Contact[],
  rules: QualificationRules,
  override?: QualificationOverride | null,
  context: QualificationContext = {},
): Qualification {
  const checks = ruleChecks(network, contacts, rules, context);
  const failed = checks.filter((c) => !c.passed);
  // Failed rules first: they are what a coordinator needs to see.
  const ruleReasons = [...failed, ...checks.filter((c) => c.passed)].map((c) => c.reason);
  if (ruleReasons.length === 0) ruleReasons.push('no qualification rule is set');
  if (override) {
    const verdict = override.qualified ? 'qualified' : 'not qualified';
    return {
      qualified: override.qualified,
      overridden: true,
      reasons: [`overridden to ${verdict}: ${override.reason}`, ...ruleReasons.map((r) => `rule: ${r}`)],
    };
  }
  return { qualified: failed.length === 0, overridden: false, reasons: ruleReasons };
}
