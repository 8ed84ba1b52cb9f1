import * as z from '../../zod';
import { QualificationRulesSchema, SettingsSchema } from '../../domain/settings/settings-schema';
import { route } from '../contract';
import { EmailAddress, singleLine } from '../schemas';

const optionalEmail = z.union([EmailAddress, z.literal('')]);

/** What an admin may write: the stored shape, with every text single-line and every address checked. */
export const SettingsBodySchema = z
  .strictObject({
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
    qualification: z.optional(QualificationRulesSchema),
  })
  .check(z.meta({ id: 'SettingsInput' }));

export const getSettingsRoute = route({
  operationId: 'getSettings',
  method: 'GET',
  path: '/settings',
  role: 'viewer',
  tag: 'settings',
  summary: 'Our network, company, peering email addresses and qualification rules',
  response: SettingsSchema,
  handler: 'functions/http/settings/get-settings.ts',
  access: { table: 'read' },
});

export const putSettingsRoute = route({
  operationId: 'putSettings',
  method: 'PUT',
  path: '/settings',
  role: 'admin',
  tag: 'settings',
  summary: 'Replace the settings (fields left out take their defaults)',
  body: SettingsBodySchema,
  response: SettingsSchema,
  handler: 'functions/http/settings/put-settings.ts',
  access: { table: 'read-write' },
});

export const settingsRoutes = [getSettingsRoute, putSettingsRoute];
