import * as z from '../platform/zod';
import {
  GroupPolicySchema,
  QualificationRulesSchema,
  qualificationRuleFields,
  RoutingPolicySchema,
  SettingsSchema,
} from './settings-schema';
import { route } from '../platform/http/contract';
import { EmailAddress, singleLine } from '../platform/http/schemas';
import { OurNetworkSchema } from './our-network';

const optionalEmail = z.union([EmailAddress, z.literal('')]);

/** How many peer groups the policy may name. */
export const MAX_POLICY_GROUPS = 1000;
/**
 * The largest routing policy written, as JSON: the settings are one item, and an item holds 400 KB
 * (10,000 long IPv6 prefixes alone are more).
 */
export const MAX_POLICY_BYTES = 300 * 1024;

/** The routing policy as an admin writes it: group names as sessions take them, and a size the settings hold. */
const RoutingPolicyInputSchema = z
  .strictObject({
    own_prefixes: RoutingPolicySchema.shape.own_prefixes,
    groups: z._default(
      z
        .record(singleLine(64).check(z.minLength(1)), GroupPolicySchema)
        .check(
          z.refine((g) => Object.keys(g).length <= MAX_POLICY_GROUPS, `at most ${MAX_POLICY_GROUPS} groups`),
        ),
      {},
    ),
  })
  .check(
    z.refine((p) => Buffer.byteLength(JSON.stringify(p)) <= MAX_POLICY_BYTES, {
      message: `must be at most ${MAX_POLICY_BYTES / 1024} KB as JSON: the settings are one stored item`,
    }),
    z.meta({ id: 'RoutingPolicyInput' }),
  );

/** The fields an admin may write: the stored shape, with every text single-line and every address checked. */
const writableFields = {
  source_asn: z.optional(z.nullable(z.int().check(z.gte(1), z.lte(4_294_967_295)))),
  source_participant_id: z.optional(z.nullable(z.int().check(z.gte(1), z.lte(2_147_483_647)))),
  company_name: z.optional(singleLine(200)),
  irr_as_set: z.optional(singleLine(200)),
  email_from: z.optional(optionalEmail),
  email_reply_to: z.optional(optionalEmail),
  email_cc: z.optional(z.array(EmailAddress).check(z.maxLength(20))),
  email_bcc: z.optional(z.array(EmailAddress).check(z.maxLength(20))),
  resend_window_days: z.optional(z.int().check(z.gte(0), z.lte(365))),
  send_rate_per_second: z.optional(z.number().check(z.gte(0.01), z.lte(100))),
  /** Replaced as a whole, by PUT and PATCH alike. */
  routing_policy: z.optional(RoutingPolicyInputSchema),
};

/** The whole settings document (PUT): what is left out takes its default, the rules' fields too. */
export const SettingsBodySchema = z
  .strictObject({
    ...writableFields,
    qualification: z.optional(
      z.strictObject(QualificationRulesSchema.shape).check(z.meta({ id: 'QualificationRulesInput' })),
    ),
  })
  .check(z.meta({ id: 'SettingsInput' }));
export type SettingsInput = z.infer<typeof SettingsBodySchema>;

/** A change (PATCH): the fields given replace the stored ones, the rules' fields one by one. */
export const SettingsChangeSchema = z
  .strictObject({
    ...writableFields,
    qualification: z.optional(
      z.partial(z.strictObject(qualificationRuleFields)).check(z.meta({ id: 'QualificationRulesChange' })),
    ),
  })
  .check(
    z.refine((b) => Object.values(b).some((v) => v !== undefined), {
      message: 'name at least one field to change',
    }),
    z.meta({ id: 'SettingsChange' }),
  );
export type SettingsChange = z.infer<typeof SettingsChangeSchema>;

/** The settings as answered: with whether our network is in the PeeringDB data (read-only). */
export const SettingsViewSchema = z
  .extend(SettingsSchema, { our_network: OurNetworkSchema })
  .check(z.meta({ id: 'SettingsView' }));

export const getSettingsRoute = route({
  operationId: 'getSettings',
  method: 'GET',
  path: '/settings',
  role: 'viewer',
  tag: 'settings',
  summary:
    'Our network (and whether PeeringDB has it), company, peering email addresses and qualification rules',
  response: SettingsViewSchema,
  handler: 'functions/http/settings/get-settings.ts',
  access: { table: 'read' },
});

export const putSettingsRoute = route({
  operationId: 'putSettings',
  method: 'PUT',
  path: '/settings',
  role: 'admin',
  tag: 'settings',
  summary: 'Replace the settings (fields left out take their defaults; PATCH changes only what it names)',
  body: SettingsBodySchema,
  response: SettingsViewSchema,
  handler: 'functions/http/settings/put-settings.ts',
  // A change of the rules starts the rebuild of the peer rows in the sync function.
  access: { table: 'read-write', startSync: true },
});

export const patchSettingsRoute = route({
  operationId: 'patchSettings',
  method: 'PATCH',
  path: '/settings',
  role: 'admin',
  tag: 'settings',
  summary:
    'Change some settings: the fields given (and the qualification rules given) replace the stored ones',
  body: SettingsChangeSchema,
  response: SettingsViewSchema,
  handler: 'functions/http/settings/patch-settings.ts',
  access: { table: 'read-write', startSync: true },
  errors: [409],
});

export const settingsRoutes = [getSettingsRoute, putSettingsRoute, patchSettingsRoute];
