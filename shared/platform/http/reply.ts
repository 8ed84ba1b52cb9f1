const REPLY = Symbol('reply');

/** A handler's answer when the route's default status or headers are not enough. */
export interface Reply<T = unknown> {
  [REPLY]: true;
  status: number;
  body: T;
  headers: Record<string, string>;
}

export function reply<T>(status: number, body: T, headers: Record<string, string> = {}): Reply<T> {
  return { [REPLY]: true, status, body, headers };
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && REPLY in value;
}
