import * as z from 'zod';

/**
 * The operator's settings: who we are, how we email, and the qualification rules. One item per
 * deployment. Every field has a default so a fresh deployment works before an admin sets anything.
 */
export const QualificationRulesSchema = z
  .object({
    min_prefixes4: z.number().int().min(0).default(0),
    min_prefixes6: z.number().int().min(0).default(0),
    /** Allowed PeeringDB `policy_general` values; empty means any. */
    allowed_policies: z
      .array(z.enum(['Open', 'Selective', 'Restrictive', 'No']))
      .default(['Open', 'Selective']),
    /** Allowed PeeringDB `info_type` values; empty means any. */
    allowed_types: z.array(z.string().max(64)).default([]),
    /** Required `info_ratio` values (e.g. Balanced); empty means any. */
    allowed_ratios: z.array(z.string().max(64)).default([]),
    excluded_asns: z.array(z.number().int().min(1).max(4_294_967_295)).default([]),
    require_policy_contact: z.boolean().default(false),
    require_ipv6: z.boolean().default(false),
  })
  .meta({ id: 'QualificationRules' });

export const SettingsSchema = z
  .object({
    source_asn: z.number().int().min(1).max(4_294_967_295).nullable().default(null),
    source_participant_id: z.number().int().min(1).nullable().default(null),
    company_name: z.string().max(200).default(''),
    irr_as_set: z.string().max(200).default(''),
    email_from: z.string().max(254).default(''),
    email_reply_to: z.string().max(254).default(''),
    email_cc: z.array(z.string().max(254)).max(20).default([]),
    email_bcc: z.array(z.string().max(254)).max(20).default([]),
    resend_window_days: z.number().int().min(0).max(365).default(14),
    /** Peering emails per second for the whole deployment (SES quota). */
    send_rate_per_second: z.number().min(0.01).max(100).default(1),
    qualification: QualificationRulesSchema.default(QualificationRulesSchema.parse({})),
    modified: z.string().optional(),
  })
  .meta({ id: 'Settings' });

export type Settings = z.infer<typeof SettingsSchema>;
export type QualificationRules = z.infer<typeof QualificationRulesSchema>;
