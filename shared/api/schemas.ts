import * as z from '../zod';

/** Shapes shared by many routes. */

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    }),
  })
  .check(z.meta({ id: 'Error' }));

/** A query-string boolean: `true`/`false`/`1`/`0`, anything else is a 422. */
export const queryBoolean = z
  .pipe(
    z.enum(['true', 'false', '1', '0']),
    z.transform((v) => v === 'true' || v === '1'),
  )
  .check(z.meta({ type: 'boolean' }));

/** A positive integer id in a path or query string (PeeringDB ids). */
export const idParam = z.coerce.number().check(z.integer(), z.gte(1), z.lte(2_147_483_647));

export const limitQuery = z._default(z.coerce.number().check(z.integer(), z.gte(1), z.lte(1000)), 100);
export const cursorQuery = z.optional(z.string().check(z.minLength(1), z.maxLength(4096)));

export const ListQuery = z.object({ limit: limitQuery, cursor: cursorQuery });

export function pageOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.nullable(z.string()) });
}

export const Timestamp = z.string().check(z.meta({ description: 'ISO-8601 UTC', format: 'date-time' }));

/**
 * No CR/LF, no other control characters (C0 and C1) and no Unicode line or paragraph separators:
 * safe for logs, mail headers and router configs, and shown on one line everywhere.
 */
export const singleLine = (max: number) =>
  z.string().check(
    z.maxLength(max),
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    z.refine((v) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v), {
      message: 'must be a single line without control characters',
    }),
  );

export const EmailAddress = z.email().check(z.maxLength(254));

export const UuidParam = z.object({ id: z.uuid() });
