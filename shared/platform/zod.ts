import * as z from 'zod/mini';
import { $ZodCheckNumberFormat, _int } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

/**
 * The schema library as every module uses it: `import * as z from '<path>/zod'`. It is zod's
 * tree-shakable "mini" build (functions instead of methods: `z.optional(z.string().check(z.maxLength(9)))`),
 * which keeps Lambda bundles small and cold starts short; an ESLint rule keeps plain `zod` out.
 *
 * zod/mini loads no error messages of its own: the English ones are set here, once, before any
 * schema is used, so a 422 says "Too big: expected string to have <=64 characters", not "Invalid input".
 */
z.config(en());

// Path and query values are text coerced to numbers: "abc" should read "must be a number", not
// zod's "expected number, received NaN".
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.expected === 'number' && Number.isNaN(issue.input)
      ? 'must be a number'
      : undefined,
});

export * from 'zod/mini';

// Reached through the check's own module: touching `z.core` at run time would bundle all of zod's core.
/** A whole-number check for any number schema (coerced ones included): `z.coerce.number().check(z.integer())`. */
export function integer(): $ZodCheckNumberFormat {
  return _int($ZodCheckNumberFormat as never) as unknown as $ZodCheckNumberFormat;
}
