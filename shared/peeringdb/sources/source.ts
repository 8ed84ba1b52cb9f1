import type { ObjectType } from '../records';

/** Where the sync reads PeeringDB from: the API (or a compatible mirror), a folder of saved responses, or memory. */
export interface PeeringDbSource {
  /** Shown in run reports: the URL or folder, never a key. */
  readonly description: string;
  /**
   * The records of one type, page by page (untrusted, unparsed). `since` asks for the objects
   * changed since that unix time, deleted ones included. Returns null when the source has no data
   * for the type at all (a folder without it): the type is skipped, not emptied.
   */
  pages(type: ObjectType, options: { since?: number }): AsyncIterable<unknown[]> | null;
}

/** A response that is not `{"data": [...]}` is a failed fetch, never an empty one. */
export function recordsOf(body: unknown, where: string): unknown[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error(`${where}: response has no data list`);
  return data;
}
