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

/**
 * A whole number in a path, a query string or a body: a JSON number, or text in plain decimal. Text
 * like `0x2`, `2e0`, ` 2` or an empty value reads "must be a number" (it becomes NaN here), and other
 * types (`true`, `[]`) are refused as such rather than coerced. The document says what it takes:
 * an integer in the range (and its default, given here, since the transform hides it from zod's).
 */
function wholeNumber(min: number, max: number, byDefault?: number) {
  return z
    .pipe(
      z.transform((v: unknown) =>
        typeof v === 'string' ? (/^-?[0-9]{1,16}(\.[0-9]+)?$/.test(v) ? Number(v) : NaN) : v,
      ),
      z.int().check(z.gte(min), z.lte(max)),
    )
    .check(
      z.meta({
        type: 'integer',
        minimum: min,
        maximum: max,
        ...(byDefault === undefined ? {} : { default: byDefault }),
      }),
    );
}

/** A positive integer id (PeeringDB ids). */
export const idParam = wholeNumber(1, 2_147_483_647);

export const limitQuery = z._default(wholeNumber(1, 1000, 100), 100);
export const cursorQuery = z.optional(
  z.string().check(
    z.minLength(1),
    z.maxLength(4096),
    z.meta({
      description:
        'next_cursor of the previous page, for the same request (only limit may change), within 24 hours',
    }),
  ),
);

export const ListQuery = z.object({ limit: limitQuery, cursor: cursorQuery });

export function pageOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.nullable(z.string()) });
}

export const Timestamp = z.string().check(z.meta({ description: 'ISO-8601 UTC', format: 'date-time' }));

/** The integer id a session, router or request has beside its UUID: the v1 API's `id`. */
export const ItemNumber = z.nullable(z.int().check(z.gte(1))).check(
  z.meta({
    description:
      'Integer id, given in creation order and never reused; what the v1 API answers as `id` (and a router as `resource_id`). Null only on an item stored before numbers, until the stored-data migration gives it one.',
    readOnly: true,
  }),
);

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

/** Text that may span lines (line breaks and tabs), with no other control characters. */
export const multiLine = (max: number) =>
  z.string().check(
    z.maxLength(max),
    // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
    z.refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(v), {
      message: 'must not contain control characters other than line breaks and tabs',
    }),
  );

export const EmailAddress = z.email().check(z.maxLength(254));

export const UuidParam = z.object({ id: z.uuid() });
