import { ValidationError } from '../errors';

/**
 * Optimistic concurrency for sessions and routers: each write bumps `version`; a change names the
 * version it was based on, in the body or as an ETag in `If-Match`, and a stale one is refused.
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export function expectedVersion(
  bodyVersion: number | undefined,
  ifMatch: string | undefined,
): number | undefined {
  if (ifMatch === undefined) return bodyVersion;
  const m = /^(?:W\/)?"(\d{1,9})"$/.exec(ifMatch.trim());
  if (!m) {
    throw new ValidationError('If-Match must be the ETag of the resource', [
      { path: 'headers.if-match', message: 'expected a quoted version, e.g. "3"' },
    ]);
  }
  const fromHeader = Number(m[1]);
  if (bodyVersion !== undefined && bodyVersion !== fromHeader) {
    throw new ValidationError('If-Match and body.version disagree', [
      { path: 'body.version', message: `If-Match names version ${fromHeader}` },
    ]);
  }
  return fromHeader;
}
