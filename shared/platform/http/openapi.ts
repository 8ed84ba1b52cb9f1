import * as z from '../zod';
import type { RouteContract } from './contract';
import { ErrorSchema } from './schemas';

/**
 * The OpenAPI 3.1 document, generated from the route table's zod schemas with zod's own JSON Schema
 * conversion (draft 2020-12, the dialect of OpenAPI 3.1). It reads schemas only through zod's core
 * (`toJSONSchema`, `globalRegistry`), never through methods of the classic API, so classic and mini
 * schemas document alike.
 */

type Json = Record<string, unknown>;
type Io = 'input' | 'output';
type Schema = z.core.$ZodType;

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request (for example, JSON that does not parse)',
  401: 'Missing, malformed, expired or otherwise invalid token',
  403: 'The caller’s role does not allow this operation',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Request body too large',
  422: 'The request does not match the schema; details name each field',
  429: 'Too many requests; see Retry-After',
  503: 'Unavailable',
};

const DEFS_PREFIX = '#/$defs/';
const COMPONENTS_PREFIX = '#/components/schemas/';

/**
 * Adjusts each schema zod converted. A schema whose metadata states its `type` is documented as the
 * metadata says: zod cannot see through a transform (a query flag parsed from `true`/`1` is a
 * boolean to its caller, not the enum of strings it is read from), so the author's word replaces
 * what zod derived. Integers lose the safe-integer bounds zod gives every one of them: they say
 * nothing a reader needs.
 */
function adjust(ctx: { zodSchema: Schema; jsonSchema: Json }): void {
  const json = ctx.jsonSchema;
  if (json.type === 'integer') {
    if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
    if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  }
  const meta = z.globalRegistry.get(ctx.zodSchema);
  if (!meta || meta.type === undefined) return;
  for (const key of Object.keys(json)) {
    if (!(key in meta)) delete json[key];
  }
  for (const [key, value] of Object.entries(meta)) {
    if (key !== 'id' && json[key] === undefined) json[key] = value;
  }
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function encodePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** JSON text with object keys sorted, to compare two schemas whatever order their keys came in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A deep copy with every local `$defs` reference pointed at the component `name` gives it. */
function relink(value: unknown, name: (def: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => relink(v, name));
  if (!value || typeof value !== 'object') return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(value as Json)) {
    if (v === undefined) continue;
    if (key === '$ref' && typeof v === 'string') {
      if (!v.startsWith(DEFS_PREFIX)) {
        throw new Error(`cannot place the reference "${v}" in the document; give a recursive schema an id`);
      }
      out[key] = COMPONENTS_PREFIX + encodePointer(name(decodePointer(v.slice(DEFS_PREFIX.length))));
    } else {
      out[key] = relink(v, name);
    }
  }
  return out;
}

/** The `$defs` keys a value refers to, anywhere inside it. */
function localRefs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) localRefs(v, out);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Json)) {
      if (key === '$ref' && typeof v === 'string' && v.startsWith(DEFS_PREFIX)) {
        out.push(decodePointer(v.slice(DEFS_PREFIX.length)));
      } else {
        localRefs(v, out);
      }
    }
  }
  return out;
}

function aliasOf(def: Json | undefined): string | undefined {
  if (!def || Object.keys(def).length !== 1) return undefined;
  return localRefs(def)[0];
}

/**
 * A definition that is nothing but a reference to another takes the body it points to. A schema
 * derived from an identified one (an object extended, then given an id of its own) comes out of
 * zod that way, its base's id still on the extended body: the body belongs to the derived name.
 */
function inlineAliases(defs: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key of Object.keys(defs)) {
    let target = key;
    const visited = new Set<string>();
    for (let next = aliasOf(defs[target]); next && !visited.has(next); next = aliasOf(defs[target])) {
      visited.add(target);
      target = next;
    }
    out[key] = defs[target] ?? defs[key]!;
  }
  return out;
}

/** The definitions the root reaches, directly or through other definitions. */
function keepReachable(root: Json, defs: Record<string, Json>): Record<string, Json> {
  const reached = new Set<string>();
  const queue = localRefs(root);
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    if (reached.has(key) || !defs[key]) continue;
    reached.add(key);
    localRefs(defs[key], queue);
  }
  return Object.fromEntries(Object.entries(defs).filter(([key]) => reached.has(key)));
}

/**
 * The document's `components/schemas`: every schema with an `id` in its metadata, once, referenced
 * with `$ref` wherever it is used. When a schema reads differently as input than as output (a
 * default, a coercion), the first one seen keeps the id and the other is named `<id>Input` (or
 * numbered, should that be taken).
 */
class SchemaComponents {
  readonly schemas: Record<string, Json> = {};
  private anonymous = 0;

  /** The JSON Schema of `schema` as `io` sees it, with its named parts moved to the components. */
  convert(schema: Schema, io: Io): Json {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      override: adjust,
    }) as Json;
    const { $defs, $schema: _dialect, ...root } = converted;
    const defs = keepReachable(root, inlineAliases(($defs ?? {}) as Record<string, Json>));

    // Parts zod extracted without an id (cycles) get a name of their own.
    const fixed = new Map<string, string>();
    for (const key of Object.keys(defs)) {
      if (key.startsWith('__schema')) fixed.set(key, `Schema${++this.anonymous}`);
    }
    const variant = new Map<string, number>();
    const nameOf = (key: string): string => {
      const anonymous = fixed.get(key);
      if (anonymous) return anonymous;
      const n = variant.get(key) ?? 0;
      if (n === 0) return key;
      return io === 'input' ? `${key}Input${n === 1 ? '' : n}` : `${key}${n + 1}`;
    };
    for (;;) {
      const placed = Object.entries(defs).map(([key, def]) => [key, relink(def, nameOf) as Json] as const);
      const clashes = placed.filter(([key, def]) => {
        const existing = this.schemas[nameOf(key)];
        return existing !== undefined && canonical(existing) !== canonical(def);
      });
      if (clashes.length === 0) {
        for (const [key, def] of placed) this.schemas[nameOf(key)] ??= def;
        return relink(root, nameOf) as Json;
      }
      for (const [key] of clashes) variant.set(key, (variant.get(key) ?? 0) + 1);
    }
  }

  /** The body of a schema that may be a `$ref` to one of the components. */
  resolve(schema: Json): Json {
    const ref = schema.$ref;
    if (typeof ref !== 'string' || !ref.startsWith(COMPONENTS_PREFIX)) return schema;
    return this.schemas[decodePointer(ref.slice(COMPONENTS_PREFIX.length))] ?? schema;
  }
}

/** The header of the routes that take an Idempotency-Key (`idempotent: true`). */
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: a retry with the same key (same user, same route) within 24 hours answers the first ' +
    'answer (marked `Idempotent-Replayed: true`) and does nothing twice; the same key with another request is ' +
    'a 422, and while the first call runs a 409 with Retry-After. Without it the call runs as usual.',
  schema: {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?$',
  },
};

/** One parameter object per property of a params or query object schema. */
function parameters(object: Schema | undefined, where: 'path' | 'query', components: SchemaComponents) {
  if (!object) return [];
  const json = components.resolve(components.convert(object, 'input'));
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set(Array.isArray(json.required) ? (json.required as string[]) : []);
  return Object.entries(properties).map(([name, schema]) => {
    const description = components.resolve(schema).description;
    return {
      name,
      in: where,
      // A path parameter is always required (OpenAPI says so, and a route cannot match without it).
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema,
    };
  });
}

/** The OpenAPI 3.1 document, generated from the route table's zod schemas. */
export function buildOpenApi(routes: readonly RouteContract[], serverUrl = '/') {
  const components = new SchemaComponents();
  const errorSchema = components.convert(ErrorSchema, 'output');
  // Responses first, so a schema shared by both sides keeps its id for the shape callers receive.
  const okSchemas = routes.map((r) =>
    r.successStatus === 204 ? undefined : components.convert(r.response, 'output'),
  );

  const paths: Record<string, Record<string, Json>> = {};
  routes.forEach((r, i) => {
    const errors = new Set<number>(r.errors ?? []);
    if (r.role !== 'public') {
      errors.add(401);
      errors.add(403);
    }
    if (r.params || r.query || r.body) errors.add(422);
    if (r.body) errors.add(400);

    const parameterList: Json[] = [
      ...parameters(r.params, 'path', components),
      ...parameters(r.query, 'query', components),
    ];
    if (r.idempotent) {
      errors.add(409);
      parameterList.push(IDEMPOTENCY_KEY_PARAMETER);
    }
    let requestBody: Json | undefined;
    if (r.body) {
      requestBody = {
        required: true,
        content: { 'application/json': { schema: components.convert(r.body, 'input') } },
      };
    } else if (r.rawBody) {
      const schema = components.convert(r.rawBody, 'input');
      requestBody = {
        content: { 'application/x-www-form-urlencoded': { schema }, 'application/json': { schema } },
      };
    }
    const okSchema = okSchemas[i];
    const responses: Record<string, Json> = {
      [String(r.successStatus ?? 200)]: {
        description: 'Success',
        ...(okSchema ? { content: { [r.contentType ?? 'application/json']: { schema: okSchema } } } : {}),
      },
    };
    for (const status of [...errors].sort((a, b) => a - b)) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: errorSchema } },
      };
    }

    (paths[r.path] ??= {})[r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      description: `Role required: **${r.role}**.`,
      tags: [r.tag],
      ...(r.role === 'public' ? {} : { security: [{ bearer: [] }] }),
      ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  });

  return {
    openapi: '3.1.0',
    info: {
      title: 'peerflow',
      version: '1.0.0',
      description:
        'Peering orchestration: PeeringDB data, peers and their qualification, peering requests, BGP sessions and router configuration. Log in with `POST /users/post_login`, then use **Authorize** with the token.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: components.schemas,
    },
    paths,
  };
}
