import type { ObjectType } from '../records';

/**
 * Which data set a source serves, so that data synced from one is never updated incrementally from
 * another: `api` a PeeringDB API (or mirror) by its normalized URL, `folder` saved responses by the
 * folder's absolute path, `generated` the project's generated set by scale and seed (the demo, and
 * folders written by the generator, which say so in their `dataset.json`), `memory` records a caller
 * holds (tests). `label` names it in run reports: a URL, a folder's last name, never a key or a path.
 */
export interface SourceIdentity {
  kind: 'api' | 'folder' | 'generated' | 'memory';
  id: string;
  label: string;
}

/** Where the sync reads PeeringDB from: the API (or a compatible mirror), a folder of saved responses, or memory. */
export interface PeeringDbSource {
  /** Shown in run reports: the URL or folder, never a key. */
  readonly description: string;
  /** The data set it serves; two sources with the same kind and id serve the same one. */
  readonly identity: SourceIdentity;
  /**
   * The records of one type, page by page (untrusted, unparsed). `since` asks for the objects
   * changed since that unix time, deleted ones included. Returns null when the source has no data
   * for the type at all (a folder without it): the type is skipped, not emptied.
   */
  pages(type: ObjectType, options: { since?: number }): AsyncIterable<unknown[]> | null;
}

export function sameSource(a: Pick<SourceIdentity, 'kind' | 'id'>, b: Pick<SourceIdentity, 'kind' | 'id'>) {
  return a.kind === b.kind && a.id === b.id;
}

/**
 * The source cannot be reached at all (connection refused, unknown host, missing folder): trying
 * again in a moment, or with the next object type, would only fail the same way.
 */
export class SourceUnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceUnreachableError';
  }
}

/** A response that is not `{"data": [...]}` is a failed fetch, never an empty one. */
export function recordsOf(body: unknown, where: string): unknown[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new Error(`${where}: response has no data list`);
  return data;
}

/** The project's generated PeeringDB set of one scale and seed: the same data wherever it is read from. */
export function generatedSetIdentity(scale: string, seed: number): SourceIdentity {
  return { kind: 'generated', id: `${scale}/${seed}`, label: `the generated ${scale} set (seed ${seed})` };
}
