import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDispatcher, type LocalResponse } from '../../local/dispatcher';
import { routes } from '../../shared/app/route-table';
import type { UserRole } from '../../shared/platform/auth/caller';
import { createUser, login } from '../../shared/users/users';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { type RouteContract } from '../../shared/platform/http/contract';
import { type ErrorSchema } from '../../shared/platform/http/schemas';
import type * as z from '../../shared/platform/zod';

/**
 * An in-process client: requests go through the same dispatcher as `npm start` (authorizer first,
 * then the route's handler), with no socket in between.
 */
export const dispatch = createDispatcher(routes);

export interface CallOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of every shape; the routes' own schemas check them
export interface ApiResponse<T = any> extends LocalResponse {
  json: T;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
export async function call<T = any>(
  method: string,
  url: string,
  opts: CallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: Buffer | undefined;
  if (opts.rawBody !== undefined) {
    body = Buffer.isBuffer(opts.rawBody) ? opts.rawBody : Buffer.from(opts.rawBody);
  } else if (opts.body !== undefined) {
    body = Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] ??= 'application/json';
  }
  const res = await dispatch({ method, url, headers, ...(body ? { body } : {}) });
  let json: unknown;
  try {
    json = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    json = undefined;
  }
  return { ...res, json: json as T };
}

/**
 * What a test sends for a schema's input. A few schemas take anything and refuse it while parsing
 * (whole numbers read from text, for instance): their input type is `unknown`, so a well-formed
 * call sends what they give back instead, which keeps a number where a number belongs.
 */
type Wire<In, Out> = unknown extends In
  ? Out
  : In extends readonly (infer I)[]
    ? Out extends readonly (infer O)[]
      ? Wire<I, O>[]
      : In
    : In extends object
      ? {
          [K in keyof In]: Wire<
            In[K],
            Out extends object ? (K extends keyof Out ? Out[K] : unknown) : unknown
          >;
        }
      : In;

type SchemaInput<S> = S extends z.ZodMiniType ? Wire<z.input<S>, z.output<S>> : never;

/** A path parameter's value: always there, and text or a number in the URL. */
type PathParams<S> = {
  [K in keyof SchemaInput<S>]-?: Exclude<SchemaInput<S>[K], undefined> & (string | number);
};

type QueryValue = string | number | boolean | readonly (string | number | boolean)[];

// A contract that names no params, query or body has that type parameter left at its constraint,
// which includes undefined: hence the tuple checks, which do not spread over the union.
type ParamsOption<P> = [P] extends [AnyObject] ? { params: PathParams<P> } : { params?: never };
type QueryOption<Q> = [Q] extends [AnyObject]
  ? object extends SchemaInput<Q>
    ? { query?: SchemaInput<Q> }
    : { query: SchemaInput<Q> }
  : { query?: never };
type BodyOption<B> = [B] extends [z.ZodMiniType]
  ? undefined extends SchemaInput<B>
    ? { body?: SchemaInput<B> }
    : { body: SchemaInput<B> }
  : { body?: never };

type AnyObject = z.ZodMiniObject<z.core.$ZodShape>;

/** A typed call's options: `params`, `query` and `body` as the route's schemas take them. */
export type RouteCallOptions<C extends RouteContract> =
  C extends RouteContract<infer P, infer Q, infer B, z.ZodMiniType>
    ? { token?: string; headers?: Record<string, string> } & ParamsOption<P> & QueryOption<Q> & BodyOption<B>
    : never;

/** A route's body as a typed call sends it: for tables of bodies built ahead of the calls. */
export type RouteBody<C extends RouteContract> =
  C extends RouteContract<AnyObject | undefined, AnyObject | undefined, infer B, z.ZodMiniType>
    ? SchemaInput<B>
    : never;

/** A route's query as a typed call sends it. */
export type RouteQuery<C extends RouteContract> =
  C extends RouteContract<AnyObject | undefined, infer Q, z.ZodMiniType | undefined, z.ZodMiniType>
    ? SchemaInput<Q>
    : never;

/** The `error` object of an error answer (401, 403, 404, 409, 422...). */
export type ApiError = z.output<typeof ErrorSchema>['error'];

/**
 * A typed call's answer: `json` as the route's response schema gives it on success, and `error`,
 * the `error` object of an answer with an error status, or undefined.
 */
export interface RouteResponse<T> extends ApiResponse<T> {
  error: ApiError | undefined;
}

type ResponseOf<C extends RouteContract> =
  C extends RouteContract<AnyObject | undefined, AnyObject | undefined, z.ZodMiniType | undefined, infer R>
    ? z.output<R>
    : never;

/** The URL of a call: `{name}` in the route's path replaced by its encoded parameter, then the query. */
export function routeUrl(
  contract: RouteContract,
  params: Record<string, unknown> = {},
  query: Record<string, QueryValue | undefined> = {},
): string {
  const path = contract.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${contract.operationId}: no value for {${name}}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) search.append(name, String(one));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * A well-formed call of one route, typed from its contract: the method and path come from it,
 * `params`, `query` and `body` are checked against its schemas, and the answer's `json` has its
 * response type. A renamed parameter or a moved path breaks the type check. Tests that send what a
 * route must refuse on purpose (raw bodies, wrong types, unknown parameters, forged paths) use
 * `call()`.
 */
export async function callRoute<C extends RouteContract>(
  contract: C,
  ...[opts]: object extends RouteCallOptions<C> ? [opts?: RouteCallOptions<C>] : [opts: RouteCallOptions<C>]
): Promise<RouteResponse<ResponseOf<C>>> {
  const { params, query, body, token, headers } = (opts ?? {}) as {
    params?: Record<string, unknown>;
    query?: Record<string, QueryValue | undefined>;
    body?: unknown;
    token?: string;
    headers?: Record<string, string>;
  };
  const res = await call<ResponseOf<C>>(contract.method, routeUrl(contract, params, query), {
    ...(token === undefined ? {} : { token }),
    ...(headers === undefined ? {} : { headers }),
    ...(body === undefined ? {} : { body }),
  });
  // Some answers have an `error` field of their own (a request's last send, a sync run): only an
  // error status carries the error object.
  const error = res.status >= 400 ? (res.json as { error?: ApiError } | undefined)?.error : undefined;
  return { ...res, error };
}

let counter = 0;

/** A fresh user of that role, logged in. */
export async function userWithRole(role: UserRole) {
  counter += 1;
  const email = `${role}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.net`;
  const password = `correct horse ${counter} battery`;
  const user = await createUser({ email, password, name: `${role} ${counter}`, role });
  const { token } = await login(email, password);
  return { user, email, password, token };
}

/** Every item of the test file's table, sorted: compare before and after to prove nothing changed. */
export async function tableSnapshot(): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}
