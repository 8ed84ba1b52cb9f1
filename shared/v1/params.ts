import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * ProVision APIv1 clients send their parameters in the query string, a form body or a JSON body,
 * all as strings (`target` and `action` included, as the seed's clients did). Unlike PHP's
 * `$_REQUEST`, nothing overrides anything: a parameter given twice (repeated, or in both the query
 * string and the body with different values) is refused, so what a call does is never decided by
 * which copy of a parameter wins.
 */
export type V1Params = Record<string, string>;

/** A parameter the gateway cannot take: 400 when the body cannot be read, 422 when it says two things. */
export class V1ParamError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 422 = 400,
  ) {
    super(message);
  }
}

function flatten(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (typeof value === 'object') throw new V1ParamError('Nested objects are not accepted as parameters');
  return String(value);
}

function repeated(name: string, where: string): V1ParamError {
  return new V1ParamError(`Parameter ${name} is given more than once in the ${where}`, 422);
}

/** Each name once: `a=1&a=2` is refused, not read as its first, last or joined value. */
function singleValued(pairs: Iterable<[string, string]>, where: string): V1Params {
  const out = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (out.has(name)) throw repeated(name, where);
    out.set(name, value);
  }
  return Object.fromEntries(out);
}

/**
 * The query string as sent. API Gateway joins a repeated parameter's values with commas in
 * `queryStringParameters`, which would hide the repetition: the raw string tells.
 */
function queryParams(event: APIGatewayProxyEventV2): V1Params {
  if (event.rawQueryString !== undefined) {
    return singleValued(new URLSearchParams(event.rawQueryString), 'query string');
  }
  return { ...(event.queryStringParameters ?? {}) } as V1Params;
}

/**
 * The names of a JSON object's own members, in order, duplicates included (`JSON.parse` keeps the
 * last of two equal names silently). `text` is known to parse as an object.
 */
function topLevelNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (depth === 1) {
        let next = end + 1;
        while (/\s/.test(text[next] ?? '')) next += 1;
        if (text[next] === ':') names.push(JSON.parse(text.slice(i, end + 1)) as string);
      }
      i = end + 1;
      continue;
    }
    if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') depth -= 1;
    i += 1;
  }
  return names;
}

function bodyParams(event: APIGatewayProxyEventV2): V1Params {
  const raw = event.body;
  if (!raw) return {};
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (contentType.includes('json') || (!contentType && /^\s*\{/.test(text))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new V1ParamError('Malformed JSON in request body');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new V1ParamError('The JSON body must be an object of parameters');
    }
    const seen = new Set<string>();
    for (const name of topLevelNames(text)) {
      if (seen.has(name)) throw repeated(name, 'body');
      seen.add(name);
    }
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, flatten(v)]));
  }
  return singleValued(new URLSearchParams(text), 'body');
}

export function readV1Params(event: APIGatewayProxyEventV2): V1Params {
  const query = queryParams(event);
  const body = bodyParams(event);
  for (const [name, value] of Object.entries(body)) {
    if (Object.hasOwn(query, name) && query[name] !== value) {
      throw new V1ParamError(
        `Parameter ${name} is given in both the query string and the body, with different values`,
        422,
      );
    }
  }
  return { ...query, ...body };
}

/** The seed's BOOL parameters: TRUE/true/1/yes are true; FALSE/false/0/no/empty are false. */
export function v1Bool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  throw new V1ParamError(`"${value}" is not a boolean`);
}

/**
 * Every `action` a call names, in the query string and the body alike, readable or not: what the
 * audit records of a call, even one refused for its parameters.
 */
export function namedV1Actions(event: APIGatewayProxyEventV2): string[] {
  const named = new URLSearchParams(event.rawQueryString ?? '').getAll('action');
  try {
    const fromBody = bodyParams(event).action;
    if (fromBody !== undefined) named.push(fromBody);
  } catch {
    // An unreadable body names nothing: the call is refused for it.
  }
  return named;
}
