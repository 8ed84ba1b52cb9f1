import fc from 'fast-check';

/**
 * Requests generated from the OpenAPI document: every operation it lists, each parameter and body
 * field from its JSON Schema, mixed with malformed and boundary values, unknown and repeated
 * parameters, tampered cursors, broken JSON and wrong content types. Nothing here knows a route by
 * name: a route added to the table is fuzzed from its schemas the day it appears.
 */

type Json = Record<string, unknown>;

export type Caller = 'none' | 'forged' | 'viewer' | 'operator' | 'admin';

export interface FuzzRequest {
  operationId: string;
  caller: Caller;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What was done to the request, for the report of a failure. */
  variant: string;
}

/** Values of the data set the requests may name, so they reach past "not found". */
export interface FuzzPools {
  /** By parameter or field name (`id` is looked up by the first path segment: `sessions.id`). */
  byName: Record<string, readonly (string | number)[]>;
  emails: readonly string[];
  ips: readonly string[];
  /** Cursors issued by the lists, by the list's path: sent back as issued, tampered with, or to another list. */
  cursors: Record<string, readonly string[]>;
}

interface Operation {
  operationId: string;
  method: string;
  path: string;
  isPublic: boolean;
  params: { name: string; in: 'path' | 'query'; required: boolean; schema: Json }[];
  body?: { required: boolean; schema: Json; types: string[] };
}

export function operationsOf(doc: Json): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = ((op.parameters ?? []) as Json[]).map((p) => ({
        name: p.name as string,
        in: p.in as 'path' | 'query',
        required: Boolean(p.required),
        schema: (p.schema ?? {}) as Json,
      }));
      const requestBody = op.requestBody as { required?: boolean; content: Record<string, Json> } | undefined;
      const types = requestBody ? Object.keys(requestBody.content) : [];
      out.push({
        operationId: op.operationId as string,
        method: method.toUpperCase(),
        path,
        isPublic: !op.security || (op.security as unknown[]).length === 0,
        params,
        ...(requestBody
          ? {
              body: {
                required: Boolean(requestBody.required),
                schema: (requestBody.content[types.find((t) => t.includes('json')) ?? types[0]!]!.schema ??
                  {}) as Json,
                types,
              },
            }
          : {}),
      });
    }
  }
  return out;
}

// Strings a careless parser, store or renderer trips on. None of them spells an internal on its own
// (no AWS error name, no path of ours, no stack frame), so an answer echoing one back is no leak.
const HOSTILE_TEXT = [
  '',
  ' ',
  '0',
  '-1',
  '-0',
  '1e309',
  '-1e309',
  '9007199254740992',
  '9007199254740993',
  '18446744073709551616',
  'NaN',
  'Infinity',
  '0x1F',
  '1_000',
  '01',
  '+1',
  '1.5',
  '1e3',
  'null',
  'true',
  '[]',
  '{}',
  '\u0000',
  'a\u0000b',
  '\r\n',
  'line\nbreak',
  '\t',
  '\u202eevil',
  '\ufeffbom',
  'Ωmega ≈ç√',
  '𝕏😀👩‍👩‍👧',
  '\ud800',
  'İı',
  '\'"`;--',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '..',
  '%2e%2e%2f',
  '#',
  'SESSION#1',
  'USER#x',
  '*',
  '\\',
  'x'.repeat(255),
  'x'.repeat(70_000),
];

const HOSTILE_JSON: unknown[] = [
  0,
  -1,
  -0,
  1.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  -1e308,
  5e-324,
  null,
  true,
  false,
  [],
  {},
  [null],
  [[[[[[[[[[[]]]]]]]]]]],
  { a: { b: { c: { d: {} } } } },
  Array.from({ length: 200 }, (_, i) => i),
  ...HOSTILE_TEXT,
];

/** JSON texts JSON.stringify cannot write: numbers out of range, broken syntax, odd encodings. */
const RAW_BODIES = [
  '{',
  '{"a":',
  '[1,2',
  'nul',
  '{"a":1e309}',
  '{"a":-1e309,"b":NaN}',
  '{"a":Infinity}',
  "{'a':1}",
  '{"a":1,}',
  '{"a":1}{"b":2}',
  '\u0000',
  '\ufeff{}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '"just a string"',
  '12345678901234567890123456789',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"a":"${'y'.repeat(300_000)}"}`,
];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/jsonp',
  'application/json',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  '',
  'application/json, text/plain',
];

const UNKNOWN_KEYS = [
  'extra',
  '__proto__',
  'constructor',
  'prototype',
  'version',
  'id',
  'role',
  'pk',
  'sk',
  'ÿ',
  '',
];

const arbHostileJson = fc.constantFrom(...HOSTILE_JSON);

/** A parameter name: one the data set knows (a schema that takes any key gets real ones), or any. */
function arbParamName(pools: FuzzPools): fc.Arbitrary<string> {
  const known = Object.keys(pools.byName).filter((k) => !k.includes('.'));
  return fc.oneof(fc.constantFrom(...known), fc.string({ maxLength: 12 }));
}

/** A known parameter with a value from the data set. */
function arbPooledParam(pools: FuzzPools): fc.Arbitrary<[string, string | number]> {
  const known = Object.entries(pools.byName).filter(([k, v]) => !k.includes('.') && v.length > 0);
  return fc.constantFrom(...known).chain(([k, v]) => fc.tuple(fc.constant(k), fc.constantFrom(...v)));
}
const arbHostileText = fc.constantFrom(...HOSTILE_TEXT);

function resolve(schema: Json, doc: Json): Json {
  let s = schema;
  for (let i = 0; i < 10 && typeof s.$ref === 'string'; i++) {
    const name = decodeURIComponent((s.$ref as string).replace('#/components/schemas/', ''));
    s = ((doc.components as Json).schemas as Record<string, Json>)[name] ?? {};
  }
  return s;
}

function pooled(pools: FuzzPools, name: string, scope: string): readonly (string | number)[] {
  return pools.byName[`${scope}.${name}`] ?? pools.byName[name] ?? [];
}

/** A value the schema describes (mostly): what a real client would send, drawn from the data set. */
function plausible(
  schema: Json,
  doc: Json,
  pools: FuzzPools,
  name: string,
  scope: string,
  depth: number,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const known = pooled(pools, name, scope);
  const fromPool = known.length > 0 ? [fc.constantFrom(...known)] : [];
  const alternatives = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map((a) => plausible(a, doc, pools, name, scope, depth)));
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  const type = Array.isArray(s.type) ? (s.type as string[])[0] : (s.type as string | undefined);
  switch (type) {
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1000;
      const max = typeof s.maximum === 'number' ? s.maximum : 100_000;
      const range =
        type === 'integer'
          ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) })
          : fc.double({ min, max, noNaN: true });
      return fc.oneof(
        { weight: 3, arbitrary: fromPool.length > 0 ? fromPool[0]! : range },
        { weight: 2, arbitrary: range },
        { weight: 1, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, 0, -1, 2 ** 53) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth > 3) return fc.constant([]);
      const items = (s.items ?? {}) as Json;
      const maxLength = Math.min(typeof s.maxItems === 'number' ? s.maxItems : 5, 5);
      return fc.oneof(
        {
          weight: 4,
          arbitrary: fc.array(plausible(items, doc, pools, name, scope, depth + 1), { maxLength }),
        },
        { weight: 1, arbitrary: fc.array(arbHostileJson, { maxLength: 40 }) },
      );
    }
    case 'object': {
      if (depth > 3) return fc.constant({});
      return objectOf(s, doc, pools, scope, depth + 1);
    }
    case 'string':
    default: {
      const format = s.format as string | undefined;
      const maxLength = typeof s.maxLength === 'number' ? s.maxLength : 200;
      const strings: fc.Arbitrary<unknown>[] = [...fromPool];
      if (format === 'uuid') strings.push(fc.uuid(), fc.constantFrom('00000000-0000-0000-0000-000000000000'));
      else if (format === 'email') strings.push(fc.constantFrom(...pools.emails), fc.emailAddress());
      else if (format === 'date-time') {
        strings.push(
          fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
          fc.constantFrom('2026-13-45T99:99:99Z', '2026-02-30T00:00:00Z', '2026-01-01', '2026-11'),
        );
      } else if (format === 'date')
        strings.push(fc.constantFrom('2026-01-01', '2026-02-30', '1970-01-01', '9999-12-31'));
      else if (/ip|address|router_id/i.test(`${name} ${String(s.description ?? '')}`)) {
        strings.push(fc.constantFrom(...pools.ips), fc.ipV4(), fc.ipV6(), fc.ipV4Extended());
      }
      strings.push(
        fc.string({ maxLength: Math.min(maxLength, 40) }),
        fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 20) }),
      );
      if (typeof s.maxLength === 'number') {
        strings.push(fc.constantFrom('a'.repeat(s.maxLength), 'a'.repeat(s.maxLength + 1)));
      }
      return fc.oneof(...strings);
    }
  }
}

/** Any value at all, the schema's or a hostile one. */
function anyValue(schema: Json, doc: Json, pools: FuzzPools, name: string, scope: string, depth: number) {
  return fc.oneof(
    { weight: 3, arbitrary: plausible(schema, doc, pools, name, scope, depth) },
    { weight: 1, arbitrary: arbHostileJson },
  );
}

function objectOf(s: Json, doc: Json, pools: FuzzPools, scope: string, depth: number): fc.Arbitrary<unknown> {
  const props = Object.entries((s.properties ?? {}) as Record<string, Json>);
  const required = new Set((s.required ?? []) as string[]);
  const extra = s.additionalProperties;
  const fields = props.map(([key, sub]) =>
    fc.tuple(
      fc.constant(key),
      // Required fields are usually there, optional ones often: both missing and present get tried.
      fc.integer({ min: 0, max: 9 }).map((n) => n < (required.has(key) ? 9 : 5)),
      anyValue(sub, doc, pools, key, scope, depth),
    ),
  );
  const unknown = fc.array(fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), arbHostileJson), { maxLength: 2 });
  const additional =
    extra && typeof extra === 'object'
      ? fc.array(fc.tuple(arbParamName(pools), anyValue(extra as Json, doc, pools, 'x', scope, depth)), {
          maxLength: 4,
        })
      : fc.constant([] as [string, unknown][]);
  return fc
    .tuple(fc.tuple(...fields), fc.integer({ min: 0, max: 9 }), unknown, additional)
    .map(([chosen, roll, strangers, more]) => {
      const out: Record<string, unknown> = {};
      for (const [key, present, value] of chosen) if (present) out[key] = value;
      for (const [key, value] of more) out[key] = value;
      if (roll === 0)
        for (const [key, value] of strangers)
          Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      return out;
    });
}

/** Text of a value as it goes in a URL: numbers and booleans as written, objects as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

/** Percent-encodes what can be encoded; a lone surrogate goes as the bytes of an invalid sequence. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text
      .split('')
      .map((ch) => {
        try {
          return encodeURIComponent(ch);
        } catch {
          return '%ED%A0%80';
        }
      })
      .join('');
  }
}

/** Bits of query or path text a URL parser could stumble on. */
const RAW_URL_BITS = [
  '%',
  '%zz',
  '%FF',
  '%ED%A0%80',
  '%00',
  '+',
  '%2F',
  '%2f..%2f',
  '&&',
  '=',
  '==',
  ';',
  '%25',
  '%C0%AF',
];

/** Tampered forms of a cursor a list issued. */
function tamper(cursor: string): fc.Arbitrary<string> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const changed: string[] = [
    cursor.slice(0, -1),
    `${cursor}A`,
    `${cursor}==`,
    cursor.split('').reverse().join(''),
    cursor.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A')),
  ];
  if (decoded && typeof decoded === 'object') {
    const obj = decoded as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      changed.push(
        reencode({ ...obj, [key]: 5 }),
        reencode({ ...obj, [key]: null }),
        reencode({ ...obj, [key]: { S: 'x' } }),
        reencode({ ...obj, [key]: ['a'] }),
        reencode({ ...obj, [key]: 'SESSION#00000000-0000-0000-0000-000000000000' }),
        reencode({ ...obj, [key]: '' }),
        reencode({ ...obj, [key]: 'x'.repeat(2000) }),
      );
    }
    changed.push(reencode({ ...obj, extra: 'x' }), reencode([obj]), reencode({ pk: 'USER#x', sk: 'USER' }));
  }
  return fc.constantFrom(...changed);
}

function arbCursor(pools: FuzzPools, list?: string): fc.Arbitrary<string> {
  const forged = fc.constantFrom(
    Buffer.from('{"pk":5}').toString('base64url'),
    Buffer.from('{"pk":{"S":"x"}}').toString('base64url'),
    Buffer.from('{"pk":"SETTINGS","sk":"SETTINGS"}').toString('base64url'),
    Buffer.from('null').toString('base64url'),
    Buffer.from('"x"').toString('base64url'),
    Buffer.from('[1]').toString('base64url'),
    Buffer.from('{}').toString('base64url'),
    'not base64!',
    '****',
    '',
    'e30',
    'x'.repeat(5000),
  );
  const all = Object.values(pools.cursors).flat();
  if (all.length === 0) return forged;
  const anyList = fc.constantFrom(...all);
  const own = list ? (pools.cursors[list] ?? []) : [];
  const mine = own.length > 0 ? fc.constantFrom(...own) : anyList;
  return fc.oneof(
    { weight: 1, arbitrary: forged },
    { weight: 1, arbitrary: anyList },
    { weight: 1, arbitrary: mine },
    { weight: 3, arbitrary: mine.chain(tamper) },
  );
}

function arbCaller(isPublic: boolean): fc.Arbitrary<Caller> {
  return fc.oneof(
    { weight: isPublic ? 4 : 1, arbitrary: fc.constant<Caller>('none') },
    { weight: 1, arbitrary: fc.constant<Caller>('forged') },
    { weight: 2, arbitrary: fc.constant<Caller>('viewer') },
    { weight: 3, arbitrary: fc.constant<Caller>('operator') },
    { weight: 4, arbitrary: fc.constant<Caller>('admin') },
  );
}

/** Query text: the schema's parameters (some of them), perhaps unknown, repeated or raw ones. */
function arbQuery(
  op: Operation,
  doc: Json,
  pools: FuzzPools,
  scope: string,
): fc.Arbitrary<{ text: string; variant: string[] }> {
  const params = op.params.filter((p) => p.in === 'query');
  const fields = params.map((p) =>
    fc.tuple(
      fc.constant(p.name),
      fc
        .integer({ min: 0, max: 9 })
        .map((n) => n < (p.required ? 9 : p.name === 'cursor' ? 4 : params.length > 6 ? 1 : 3)),
      p.name === 'cursor'
        ? arbCursor(pools, op.path).map((c) => c as unknown)
        : fc.oneof(
            { weight: 4, arbitrary: plausible(p.schema, doc, pools, p.name, scope, 0) },
            { weight: 1, arbitrary: arbHostileText },
          ),
    ),
  );
  return fc
    .tuple(
      fc.tuple(...fields),
      fc.integer({ min: 0, max: 19 }),
      fc.constantFrom(...UNKNOWN_KEYS.filter(Boolean), 'limit', 'cursor', 'dry_run', 'callback'),
      arbHostileText,
      fc.constantFrom(...RAW_URL_BITS),
      arbCursor(pools, op.path),
      fc.array(arbPooledParam(pools), { minLength: 1, maxLength: 4 }),
    )
    .map(([chosen, roll, strangerKey, strangerValue, raw, cursor, pooledParams]) => {
      const parts: string[] = [];
      const variant: string[] = [];
      for (const [name, present, value] of chosen)
        if (present) parts.push(`${encode(name)}=${encode(asText(value))}`);
      if (roll === 0 && parts.length > 0) {
        parts.push(parts[0]!);
        variant.push('repeated parameter');
      } else if (roll === 1) {
        parts.push(`${encode(strangerKey)}=${encode(strangerValue)}`);
        variant.push('unknown parameter');
      } else if (roll === 2) {
        parts.push(`${raw}=${raw}`, raw);
        variant.push('raw url text');
      } else if (roll === 3) {
        parts.push(`cursor=${encode(cursor)}`);
        variant.push('cursor');
      } else if (roll >= 5 && roll <= 7) {
        for (const [name, value] of pooledParams) parts.push(`${encode(name)}=${encode(String(value))}`);
        variant.push('parameters of the data set');
      } else if (roll === 4 && parts.length > 0) {
        const [name] = parts[0]!.split('=');
        parts.push(`${name}=${encode(strangerValue)}`);
        variant.push('conflicting repeated parameter');
      }
      return { text: parts.join('&'), variant };
    });
}

function arbPath(
  op: Operation,
  doc: Json,
  pools: FuzzPools,
  scope: string,
): fc.Arbitrary<{ path: string; variant: string[] }> {
  const names = op.params.filter((p) => p.in === 'path');
  if (names.length === 0) return fc.constant({ path: op.path, variant: [] });
  const values = names.map((p) =>
    fc.oneof(
      {
        weight: 5,
        arbitrary: plausible(p.schema, doc, pools, p.name, scope, 0).map((v) => encode(asText(v))),
      },
      { weight: 1, arbitrary: arbHostileText.map(encode) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_BITS) },
    ),
  );
  return fc.tuple(...values).map((chosen) => {
    let path = op.path;
    names.forEach((p, i) => {
      // An empty segment matches no route at all; keep the request on this route.
      path = path.replace(`{${p.name}}`, chosen[i] || '%20');
    });
    return { path, variant: [] };
  });
}

interface BodyChoice {
  body?: Buffer;
  contentType?: string;
  variant: string[];
}

function arbBody(op: Operation, doc: Json, pools: FuzzPools, scope: string): fc.Arbitrary<BodyChoice> {
  const json = (value: unknown, variant: string): BodyChoice => ({
    body: Buffer.from(JSON.stringify(value) ?? 'null'),
    contentType: 'application/json',
    variant: [variant],
  });
  const none: BodyChoice = { variant: [] };
  if (!op.body) {
    // A body where none belongs is ignored or refused, never obeyed.
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant(none) },
      { weight: 1, arbitrary: arbHostileJson.map((v) => json(v, 'unexpected body')) },
    );
  }
  const schemaBody = plausible(op.body.schema, doc, pools, 'body', scope, 0);
  const form = op.body.types.includes('application/x-www-form-urlencoded')
    ? [
        {
          weight: 2,
          arbitrary: schemaBody.map((v) => {
            const entries = v && typeof v === 'object' ? Object.entries(v as Json) : [];
            return {
              body: Buffer.from(entries.map(([k, x]) => `${encode(k)}=${encode(asText(x))}`).join('&')),
              contentType: 'application/x-www-form-urlencoded',
              variant: ['form body'],
            };
          }),
        },
      ]
    : [];
  return fc.oneof(
    { weight: 10, arbitrary: schemaBody.map((v) => json(v, 'schema body')) },
    { weight: 1, arbitrary: fc.constant<BodyChoice>({ variant: ['no body'] }) },
    { weight: 1, arbitrary: arbHostileJson.map((v) => json(v, 'hostile json body')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...RAW_BODIES).map((raw) => ({
        body: Buffer.from(raw),
        contentType: 'application/json',
        variant: ['malformed json'],
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(schemaBody, fc.constantFrom(...CONTENT_TYPES)).map(([v, type]) => ({
        body: Buffer.from(JSON.stringify(v) ?? 'null'),
        ...(type ? { contentType: type } : {}),
        variant: [`content type "${type}"`],
      })),
    },
    ...form,
  );
}

/** One arbitrary request of one operation. */
export function arbRequest(op: Operation, doc: Json, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  const scope = op.path.split('/').filter(Boolean)[0] ?? '';
  return fc
    .tuple(
      arbCaller(op.isPublic),
      arbPath(op, doc, pools, scope),
      arbQuery(op, doc, pools, scope),
      arbBody(op, doc, pools, scope),
      fc.integer({ min: 0, max: 29 }),
    )
    .map(([caller, path, query, body, roll]) => {
      const headers: Record<string, string> = {};
      if (body.contentType) headers['content-type'] = body.contentType;
      const variant = [...path.variant, ...query.variant, ...body.variant];
      // Headers a proxy or a client could send twice or oddly.
      if (roll === 0) {
        headers['x-correlation-id'] = '<script>\u0000';
        variant.push('hostile correlation id');
      } else if (roll === 1) {
        headers['if-match'] = '"abc", W/"1"';
        variant.push('odd if-match');
      } else if (roll === 2) {
        headers['content-length'] = '-1';
        variant.push('odd content-length');
      }
      return {
        operationId: op.operationId,
        caller,
        method: op.method,
        url: query.text ? `${path.path}?${query.text}` : path.path,
        headers,
        ...(body.body ? { body: body.body } : {}),
        variant: variant.join(', ') || 'plain',
      };
    });
}

/** Every operation's requests, each operation equally often. */
export function arbAnyRequest(doc: Json, pools: FuzzPools): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(...operationsOf(doc).map((op) => arbRequest(op, doc, pools)));
}
