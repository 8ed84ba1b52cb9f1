import * as z from '../zod';
import { ValidationError } from '../errors';

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
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  expect?: { attribute: string; value: string },
): Record<string, string | number> | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = KeySchema.safeParse(decoded);
  if (!parsed.success) throw invalidCursor();
  if (expect && parsed.data[expect.attribute] !== expect.value) throw invalidCursor();
  return parsed.data;
}

function invalidCursor(): ValidationError {
  return new ValidationError('Invalid cursor', [
    { path: 'query.cursor', message: 'not a cursor this list issued' },
  ]);
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
