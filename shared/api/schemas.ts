import * as z from 'zod';

/** Shapes shared by many routes. */

// Path and query values are text coerced to numbers: "abc" should read "must be a number", not
// zod's "expected number, received NaN".
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.expected === 'number' && Number.isNaN(issue.input)
      ? 'must be a number'
      : undefined,
});

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** A query-string boolean: `true`/`false`/`1`/`0`, anything else is a 422. */
export const queryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .meta({ type: 'boolean' });

/** A positive integer id in a path or query string (PeeringDB ids). */
export const idParam = z.coerce.number().int().min(1).max(2_147_483_647);

export const limitQuery = z.coerce.number().int().min(1).max(1000).default(100);
export const cursorQuery = z.string().min(1).max(4096).optional();

export const ListQuery = z.object({ limit: limitQuery, cursor: cursorQuery });

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

export const Timestamp = z.string().meta({ description: 'ISO-8601 UTC', format: 'date-time' });

/** No CR/LF and no other control characters: safe for logs, mail headers and router configs. */
export const singleLine = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), {
      message: 'must be a single line without control characters',
    });

export const EmailAddress = z.email().max(254);

export const UuidParam = z.object({ id: z.uuid() });
