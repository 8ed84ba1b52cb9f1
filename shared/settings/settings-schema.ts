import * as z from '../platform/zod';
import { parsePrefix } from '../kernel';

/** A prefix in canonical form (`203.0.113.0/24`, `2001:db8::/32`), no host bits. */
const Prefix = z.string().check(
  z.maxLength(50),
  z.refine((v) => parsePrefix(v)?.prefix === v, {
    message: 'must be a canonical IPv4 or IPv6 prefix with no host bits (203.0.113.0/24, 2001:db8::/32)',
  }),
);

/** How the sessions of one peer group are filtered; a session may override `irr_filter` and `peer_type`. */
export const GroupPolicySchema = z
  .strictObject({
    /** 'peerflow': peerflow writes the group's policies; 'external': the operator's, only named. */
    policy: z.optional(z.enum(['peerflow', 'external'])),
    /** Accept only what the peer's IRR prefix list holds. */
    irr_filter: z.optional(z.boolean()),
    /** What the group's neighbors are: bilateral peers or an exchange's route servers. */
    peer_type: z.optional(z.enum(['peer', 'route-server'])),
  })
  .check(z.meta({ id: 'GroupPolicy' }));

/** The routing policies peerflow writes into every rendered config. */
export const RoutingPolicySchema = z
  .strictObject({
    /** Our own prefixes: the only routes announced, and refused when a neighbor announces them. */
    own_prefixes: z._default(z.array(Prefix).check(z.maxLength(10_000)), []),
    /** Per peer group, as sessions name it (`peer_group`; `peers` for sessions without one). */
    groups: z._default(z.record(z.string().check(z.minLength(1), z.maxLength(64)), GroupPolicySchema), {}),
  })
  .check(z.meta({ id: 'RoutingPolicy' }));

/**
 * The qualification rules as an admin writes them, without defaults: a change (PATCH) names only
 * what it changes. The stored shape below gives each its default.
 */
export const qualificationRuleFields = {
  min_prefixes4: z.int().check(z.gte(0)),
  min_prefixes6: z.int().check(z.gte(0)),
  /** Allowed PeeringDB `policy_general` values; empty means any. */
  allowed_policies: z.array(z.enum(['Open', 'Selective', 'Restrictive', 'No'])),
  /** Allowed PeeringDB `info_type` values; empty means any. */
  allowed_types: z.array(z.string().check(z.maxLength(64))),
  /** Required `info_ratio` values (e.g. Balanced); empty means any. */
  allowed_ratios: z.array(z.string().check(z.maxLength(64))),
  excluded_asns: z.array(z.int().check(z.gte(1), z.lte(4_294_967_295))),
  require_policy_contact: z.boolean(),
  require_ipv6: z.boolean(),
  /**
   * Route servers are not bilateral peers: a network PeeringDB types "Route Server", or the ASN an
   * exchange names as its route servers', does not qualify.
   */
  exclude_route_servers: z.boolean(),
};

/**
 * The operator's settings: who we are, how we email, and the qualification rules. One item per
 * deployment. Every field has a default so a fresh deployment works before an admin sets anything.
 */
export const QualificationRulesSchema = z
  .object({
    min_prefixes4: z._default(qualificationRuleFields.min_prefixes4, 0),
    min_prefixes6: z._default(qualificationRuleFields.min_prefixes6, 0),
    allowed_policies: z._default(qualificationRuleFields.allowed_policies, ['Open', 'Selective']),
    allowed_types: z._default(qualificationRuleFields.allowed_types, []),
    allowed_ratios: z._default(qualificationRuleFields.allowed_ratios, []),
    excluded_asns: z._default(qualificationRuleFields.excluded_asns, []),
    require_policy_contact: z._default(qualificationRuleFields.require_policy_contact, false),
    require_ipv6: z._default(qualificationRuleFields.require_ipv6, false),
    exclude_route_servers: z._default(qualificationRuleFields.exclude_route_servers, true),
  })
  .check(z.meta({ id: 'QualificationRules' }));

export const SettingsSchema = z
  .object({
    source_asn: z._default(z.nullable(z.int().check(z.gte(1), z.lte(4_294_967_295))), null),
    source_participant_id: z._default(z.nullable(z.int().check(z.gte(1))), null),
    company_name: z._default(z.string().check(z.maxLength(200)), ''),
    irr_as_set: z._default(z.string().check(z.maxLength(200)), ''),
    email_from: z._default(z.string().check(z.maxLength(254)), ''),
    email_reply_to: z._default(z.string().check(z.maxLength(254)), ''),
    email_cc: z._default(z.array(z.string().check(z.maxLength(254))).check(z.maxLength(20)), []),
    email_bcc: z._default(z.array(z.string().check(z.maxLength(254))).check(z.maxLength(20)), []),
    resend_window_days: z._default(z.int().check(z.gte(0), z.lte(365)), 14),
    /** Peering emails per second for the whole deployment (SES quota). */
    send_rate_per_second: z._default(z.number().check(z.gte(0.01), z.lte(100)), 1),
    qualification: z._default(QualificationRulesSchema, QualificationRulesSchema.parse({})),
    routing_policy: z._default(RoutingPolicySchema, RoutingPolicySchema.parse({})),
    modified: z.optional(z.string()),
  })
  .check(z.meta({ id: 'Settings' }));

export type Settings = z.infer<typeof SettingsSchema>;
export type QualificationRules = z.infer<typeof QualificationRulesSchema>;
export type RoutingPolicy = z.infer<typeof RoutingPolicySchema>;
