import * as z from '../zod';
import { ValidationError } from '../errors';
import { fromBase64UrlJson, toBase64UrlJson } from '../encoding';

/**
 * Cursors are the DynamoDB LastEvaluatedKey, base64url encoded. They are checked on the way back in:
 * a cursor must be a flat map of strings/numbers and must stay inside the partition being listed.
 */
const KeySchema = z.record(
  z.string().check(z.maxLength(64)),
  z.union([z.string().check(z.maxLength(2048)), z.number()]),
);

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  if (!key) return null;
  return toBase64UrlJson(key);
}

export function decodeCursor(
  cursor: string | undefined,
  expect?: { attribute: string; value: string },
): Record<string, string | number> | undefined {
  return readCursor(KeySchema, cursor, (key) => !expect || key[expect.attribute] === expect.value);
}

/**
 * A cursor of any shape, read back: undefined when none was given, else its value when it decodes,
 * matches `schema` and passes `accept`; anything else is an Invalid cursor.
 */
export function readCursor<S extends z.ZodMiniType>(
  schema: S,
  cursor: string | undefined,
  accept: (value: z.infer<S>) => boolean = () => true,
): z.infer<S> | undefined {
  if (cursor === undefined) return undefined;
  const parsed = schema.safeParse(fromBase64UrlJson(cursor));
  if (!parsed.success || !accept(parsed.data)) throw invalidCursor();
  return parsed.data;
}

/** A cursor of any shape, written: base64url JSON. */
export const writeCursor: (value: unknown) => string = toBase64UrlJson;

function invalidCursor(): ValidationError {
  return new ValidationError('Invalid cursor', [
    { path: 'query.cursor', message: 'not a cursor this list issued' },
  ]);
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
