import type * as z from '../../shared/platform/zod';
import type { RouteContract } from '../../shared/platform/http/contract';

/**
 * Requests built from a route's contract alone, so that tests which walk the whole route table cover
 * routes added later without being told about them.
 */
const VALID_CANDIDATES = [
  crypto.randomUUID(),
  '1',
  '64500',
  'example',
  'example.net',
  '192.0.2.1',
  '2001:db8::1',
];
const INVALID_CANDIDATES = ['not valid!', '-1', '0', 'x'.repeat(300), ' '];

function enumOptions(schema: z.ZodMiniType): string[] {
  const options = (schema as { options?: unknown }).options;
  return Array.isArray(options) ? options.filter((o): o is string => typeof o === 'string') : [];
}

function paramShape(route: RouteContract): Record<string, z.ZodMiniType> {
  return (route.params?.shape ?? {}) as Record<string, z.ZodMiniType>;
}

function pathWith(route: RouteContract, values: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ''));
}

function validValues(route: RouteContract): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, schema] of Object.entries(paramShape(route))) {
    const value = [...enumOptions(schema), ...VALID_CANDIDATES].find((c) => schema.safeParse(c).success);
    if (value === undefined) {
      throw new Error(`no valid value for path parameter ${name} of ${route.operationId}; add a candidate`);
    }
    values[name] = value;
  }
  if (route.params && !route.params.safeParse(values).success) {
    throw new Error(`the path parameters of ${route.operationId} are refused as a whole; add a candidate`);
  }
  return values;
}

/** A path whose parameters pass the route's schema: the first enum value, a uuid, 1... */
export function validPath(route: RouteContract): string {
  return pathWith(route, validValues(route));
}

/** A path with one parameter the schema refuses, when some candidate is refused; otherwise undefined. */
export function invalidPath(route: RouteContract): string | undefined {
  for (const [name, schema] of Object.entries(paramShape(route))) {
    const bad = INVALID_CANDIDATES.find((c) => !schema.safeParse(c).success);
    if (bad !== undefined) return pathWith(route, { ...validValues(route), [name]: bad });
  }
  return undefined;
}

/** A JSON body the route's body schema refuses, when there is one. */
export function invalidBody(route: RouteContract): string | undefined {
  if (!route.body) return undefined;
  const bad = ['"not an object"', '[]', 'null', '{}'].find(
    (c) => !route.body!.safeParse(JSON.parse(c)).success,
  );
  return bad;
}
