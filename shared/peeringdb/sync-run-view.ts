import * as z from '../platform/zod';
import { type SyncReport, SyncReportSchema } from './sync-runs-store';

export const SyncSourceSchema = z
  .object({
    kind: z.enum(['http', 'folder', 'memory']),
    host: z.optional(z.string().check(z.meta({ description: 'The host of an http source' }))),
    location: z.optional(
      z.string().check(z.meta({ description: "The source's URL, folder or name: shown to admins only" })),
    ),
  })
  .check(z.meta({ id: 'SyncSource' }));
export type SyncSource = z.infer<typeof SyncSourceSchema>;

/** A run report as the API shows it. */
export const SyncRunSchema = z
  .extend(SyncReportSchema, { source: SyncSourceSchema })
  .check(z.meta({ id: 'SyncRun' }));
export type SyncRun = z.infer<typeof SyncRunSchema>;

/**
 * Where a run read PeeringDB from. A report stores the source's own description: a URL, a folder
 * of this machine (a local path), or the name of records held in memory. Anyone may know the kind
 * and, for the API, its host; the location itself is for admins.
 */
export function syncSourceOf(description: string, showLocation: boolean): SyncSource {
  const location = showLocation ? { location: description } : {};
  if (/^https?:\/\//i.test(description)) {
    try {
      return { kind: 'http', host: new URL(description).host, ...location };
    } catch {
      return { kind: 'http', ...location };
    }
  }
  // A path has a separator; records in memory are named in words ("memory", "generated demo set").
  if (/[/\\]/.test(description)) return { kind: 'folder', ...location };
  return { kind: 'memory', ...location };
}

export function syncRunView(report: SyncReport, showLocation: boolean): SyncRun {
  const source = syncSourceOf(report.source, showLocation);
  // A failure names its source in full ("folder /srv/... is missing"): others read it by kind and host.
  const error =
    report.error !== null && !showLocation && report.source !== ''
      ? report.error
          .split(report.source)
          .join(`the ${source.kind} source${source.host ? ` ${source.host}` : ''}`)
      : report.error;
  return { ...report, source, error };
}
