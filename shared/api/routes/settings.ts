import * as z from 'zod';
import { QualificationRulesSchema, SettingsSchema } from '../../domain/settings/settings-schema';
import { route } from '../contract';
import { EmailAddress, singleLine } from '../schemas';

const optionalEmail = z.union([EmailAddress, z.literal('')]);

/** What an admin may write: the stored shape, with every text single-line and every address checked. */
export const SettingsBodySchema = z
  .object({
    source_asn: z.number().int().min(1).max(4_294_967_295).nullable().optional(),
    source_participant_id: z.number().int().min(1).max(2_147_483_647).nullable().optional(),
    company_name: singleLine(200).optional(),
    irr_as_set: singleLine(200).optional(),
    email_from: optionalEmail.optional(),
    email_reply_to: optionalEmail.optional(),
    email_cc: z.array(EmailAddress).max(20).optional(),
    email_bcc: z.array(EmailAddress).max(20).optional(),
    resend_window_days: z.number().int().min(0).max(365).optional(),
    send_rate_per_second: z.number().min(0.01).max(100).optional(),
    qualification: QualificationRulesSchema.optional(),
  })
  .strict()
  .meta({ id: 'SettingsInput' });

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
