import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDispatcher, type LocalResponse } from '../../local/dispatcher';
import { routes } from '../../shared/app/route-table';
import type { UserRole } from '../../shared/platform/auth/caller';
import { createUser, login } from '../../shared/users/users';
import { ddb, tableName } from '../../shared/platform/storage/client';

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
