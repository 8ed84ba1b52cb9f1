import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from '../zod';
import { ValidationError } from '../errors';
import { fromBase64UrlJson, toBase64UrlJson } from '../encoding';

/**
 * A list's position (its inner cursor) is the DynamoDB LastEvaluatedKey, or the list's own value,
 * base64url encoded; clients only ever see it sealed (`sealCursor` below, applied at the HTTP edge).
 * It is still checked on the way back in: a key must be a flat map of strings/numbers and must stay
 * inside the partition being listed.
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

function invalidCursor(message = 'not a cursor this list issued'): ValidationError {
  return new ValidationError('Invalid cursor', [{ path: 'query.cursor', message }]);
}

/**
 * What a cursor handed to a client is bound to: the list that issued it, the caller it was issued
 * to, and every parameter that shaped the list (path parameters and query filters; `cursor` and
 * `limit` left out, so a client may change the page size as it goes).
 */
export interface CursorBinding {
  list: string;
  caller: string;
  parameters: Record<string, unknown>;
}

/** How long a client may come back with a cursor. */
export const CURSOR_LIFETIME_SECONDS = 24 * 60 * 60;
/** How far ahead of this clock another function's clock may have issued a cursor. */
const CLOCK_SKEW_SECONDS = 300;
const MAC_PATTERN = /^[A-Za-z0-9_-]{22}$/;
const ISSUED_PATTERN = /^[0-9a-z]{1,10}$/;

/**
 * A list's own cursor (`inner`, which only peerflow reads) sealed for a client:
 * `<inner>.<issued, seconds in base 36>.<HMAC-SHA256 of all that and the binding, first 128 bits>`.
 * The client can read it but cannot make one, edit one, or carry one to another list, other filters
 * or another caller.
 */
export function sealCursor(inner: string, binding: CursorBinding, key: Uint8Array, now = Date.now()): string {
  const issued = Math.floor(now / 1000).toString(36);
  return `${inner}.${issued}.${cursorMac(key, binding, issued, inner)}`;
}

/** The inner cursor of a sealed one, when it is intact, bound as given and not expired; else Invalid cursor. */
export function openCursor(
  cursor: string,
  binding: CursorBinding,
  key: Uint8Array,
  now = Date.now(),
): string {
  const macAt = cursor.lastIndexOf('.');
  const issuedAt = cursor.lastIndexOf('.', macAt - 1);
  if (issuedAt <= 0) throw invalidCursor();
  const inner = cursor.slice(0, issuedAt);
  const issued = cursor.slice(issuedAt + 1, macAt);
  const mac = cursor.slice(macAt + 1);
  if (!ISSUED_PATTERN.test(issued) || !MAC_PATTERN.test(mac)) throw invalidCursor();
  const expected = cursorMac(key, binding, issued, inner);
  if (!timingSafeEqual(Buffer.from(mac), Buffer.from(expected))) throw invalidCursor();
  const age = Math.floor(now / 1000) - parseInt(issued, 36);
  if (age < -CLOCK_SKEW_SECONDS) throw invalidCursor();
  if (age > CURSOR_LIFETIME_SECONDS) throw invalidCursor('expired: start the list again');
  return inner;
}

function cursorMac(key: Uint8Array, binding: CursorBinding, issued: string, inner: string): string {
  const signed = [
    'peerflow cursor 1',
    binding.list,
    binding.caller,
    canonicalJson(binding.parameters),
    issued,
    inner,
  ].join('\n');
  return createHmac('sha256', key).update(signed, 'utf8').digest().subarray(0, 16).toString('base64url');
}

/** JSON with every object's keys in order and undefined left out: one text for one value. */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
