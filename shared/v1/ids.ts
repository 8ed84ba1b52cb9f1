import { itemIdOfNumber, type NumberedKind } from '../platform/storage/numbers';

/**
 * The seed's ids are integers: v1 takes a session's, router's or request's number wherever it takes
 * an id. A client that stored a UUID from before keeps using it: a value that is not all digits is
 * passed on as given. The UUID an id parameter names; undefined for a number no item of the kind holds.
 */
export async function uuidOfV1Id(kind: NumberedKind, value: string): Promise<string | undefined> {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) return value;
  const number = Number(trimmed);
  return Number.isSafeInteger(number) ? itemIdOfNumber(kind, number) : undefined;
}
