import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/**
 * ProVision APIv1 clients send their parameters in the query string, a form body or a JSON body, as
 * PHP's `$_REQUEST` took them: all strings, body values winning over the query string.
 */
export type V1Params = Record<string, string>;

export class V1ParamError extends Error {}

function flatten(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(flatten).join(',');
  if (typeof value === 'object') throw new V1ParamError('Nested objects are not accepted as parameters');
  return String(value);
}

export function readV1Params(event: APIGatewayProxyEventV2): V1Params {
  const params: V1Params = { ...(event.queryStringParameters ?? {}) } as V1Params;
  const raw = event.body;
  if (!raw) return params;
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
    for (const [k, v] of Object.entries(parsed)) params[k] = flatten(v);
    return params;
  }
  for (const [k, v] of new URLSearchParams(text)) params[k] = v;
  return params;
}

/** The seed's BOOL parameters: TRUE/true/1/yes are true; FALSE/false/0/no/empty are false. */
export function v1Bool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  throw new V1ParamError(`"${value}" is not a boolean`);
}
