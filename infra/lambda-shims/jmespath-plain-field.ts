/**
 * Stands in for `@aws-lambda-powertools/jmespath` in Lambda bundles, where the whole query language
 * is about 23 KB. Powertools idempotency reads the idempotency key and the request to compare with
 * JMESPath; peerflow names each by one plain field (`scope`, `request`), which is all this reads.
 * Anything else throws rather than reading the wrong thing. Local runs and tests use the real
 * package; a unit test checks that both read those expressions alike.
 */
const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function search(expression: string, data: unknown): unknown {
  if (!PLAIN_FIELD.test(expression)) {
    throw new Error(`Lambda bundles read JMESPath plain fields only, not "${expression}"`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  return (data as Record<string, unknown>)[expression] ?? null;
}

/** Powertools builds one by default; with plain fields its functions are never called. */
export class PowertoolsFunctions {}
