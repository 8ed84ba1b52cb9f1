import type * as z from '../zod';

export type Role = 'public' | 'viewer' | 'operator' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Roles in increasing order of power: each role may do everything the ones before it may. */
export const ROLE_ORDER: readonly Role[] = ['public', 'viewer', 'operator', 'admin'];

export function roleAllows(held: Role, required: Role): boolean {
  return ROLE_ORDER.indexOf(held) >= ROLE_ORDER.indexOf(required);
}

/**
 * What a route's function may touch. CDK grants exactly this and nothing more; the infra test
 * checks that each function's policy matches.
 */
export interface RouteAccess {
  table?: 'read' | 'read-write';
  /** Sends email through SES (ses:SendEmail on the sending identity only). */
  email?: boolean;
  /** Reads the private signing key (login only). */
  signingKey?: boolean;
  /** Reads the public JWKS. */
  jwks?: boolean;
  /** Reads the key that signs list cursors: every route whose query takes `cursor`. */
  cursorKey?: boolean;
  /** Starts the PeeringDB sync function asynchronously. */
  startSync?: boolean;
  /** Starts a deployment's workflow (the state machine) to deliver a router's config. */
  startDeployment?: boolean;
  /** Invokes the polling function (in the delivery VPC) and waits for its answer. */
  poll?: boolean;
  /** Encrypts or decrypts BGP session passwords. */
  secrets?: boolean;
  /** Raises events: puts them on the deployment's event bus (events:PutEvents on that bus only). */
  publishEvents?: boolean;
}

export type AnyObjectSchema = z.ZodMiniObject<z.core.$ZodShape>;

/**
 * One route, as data. The local server, the CDK stack, the OpenAPI document, the v1 gateway and the
 * authorization tests all read these rows; the handler file named by `handler` imports its row to
 * get its schemas and types.
 */
export interface RouteContract<
  P extends AnyObjectSchema | undefined = AnyObjectSchema | undefined,
  Q extends AnyObjectSchema | undefined = AnyObjectSchema | undefined,
  B extends z.ZodMiniType | undefined = z.ZodMiniType | undefined,
  R extends z.ZodMiniType = z.ZodMiniType,
> {
  operationId: string;
  method: HttpMethod;
  /** API Gateway style: `/users/{id}`. */
  path: string;
  role: Role;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** A body the handler parses itself (form or JSON): documented, not parsed by the middleware. */
  rawBody?: z.ZodMiniType;
  response: R;
  /** Status of a successful answer; 200 unless said otherwise. */
  successStatus?: number;
  /** Answers that are not JSON (the explorer page, its assets). */
  contentType?: string;
  /** Entry file of the route's Lambda function, relative to the project root. */
  handler: string;
  access: RouteAccess;
  /**
   * Takes an `Idempotency-Key` header: a retry with the same key (same caller, same route) answers
   * the first answer and does the work once. For every POST that sends or creates.
   */
  idempotent?: boolean;
  /** Whether a successful call writes an audit entry; by default every method but GET does. */
  audit?: boolean;
  /** Extra error statuses worth documenting for this route (401/403/422 are added by role and schemas). */
  errors?: number[];
}

export function route<
  P extends AnyObjectSchema | undefined,
  Q extends AnyObjectSchema | undefined,
  B extends z.ZodMiniType | undefined,
  R extends z.ZodMiniType,
>(contract: RouteContract<P, Q, B, R>): RouteContract<P, Q, B, R> {
  return contract;
}

export function isAudited(contract: RouteContract): boolean {
  return contract.audit ?? contract.method !== 'GET';
}
