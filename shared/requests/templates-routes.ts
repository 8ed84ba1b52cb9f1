import * as z from '../platform/zod';
import { route } from '../platform/http/contract';
import { singleLine, Timestamp } from '../platform/http/schemas';

export const TemplateSchema = z
  .object({
    name: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.nullable(z.string()),
    built_in: z.boolean(),
    customized: z.boolean(),
    modified: z.nullable(Timestamp),
    modified_by: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'Template' }));

export const TemplateName = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes, at most 63'));

export const listTemplatesRoute = route({
  operationId: 'listTemplates',
  method: 'GET',
  path: '/templates',
  role: 'viewer',
  tag: 'requests',
  summary:
    'Email templates: the built-in ones and custom ones (a custom one replaces a built-in of its name)',
  response: z.object({ data: z.array(TemplateSchema) }),
  handler: 'functions/http/templates/list-templates.ts',
  access: { table: 'read' },
});

export const putTemplateRoute = route({
  operationId: 'putTemplate',
  method: 'PUT',
  path: '/templates/{name}',
  role: 'operator',
  tag: 'requests',
  summary: 'Create or replace a custom template; unknown variables or bad tags are refused here (422)',
  params: z.object({ name: TemplateName }),
  body: z.strictObject({
    subject: singleLine(300).check(z.minLength(1)),
    text: z.string().check(z.minLength(1), z.maxLength(50_000)),
    html: z._default(z.nullable(z.string().check(z.minLength(1), z.maxLength(100_000))), null),
  }),
  response: TemplateSchema,
  handler: 'functions/http/templates/put-template.ts',
  access: { table: 'read-write' },
});

export const deleteTemplateRoute = route({
  operationId: 'deleteTemplate',
  method: 'DELETE',
  path: '/templates/{name}',
  role: 'operator',
  tag: 'requests',
  summary:
    'Delete a custom template; one that replaced a built-in brings the built-in back (404 when no custom template has that name)',
  params: z.object({ name: TemplateName }),
  response: z.null(),
  successStatus: 204,
  handler: 'functions/http/templates/delete-template.ts',
  access: { table: 'read-write' },
  errors: [404],
});

export const templatesRoutes = [listTemplatesRoute, putTemplateRoute, deleteTemplateRoute];
