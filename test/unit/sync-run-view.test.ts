import { describe, expect, it } from 'vitest';
import { syncRunView } from '../../shared/peeringdb/sync-run-view';
import type { SyncReport } from '../../shared/peeringdb/sync-runs-store';

function failedRun(source: string, error: string): SyncReport {
  return {
    id: 'run-1',
    mode: 'full',
    trigger: 'api:admin@example.net',
    source,
    status: 'failed',
    started: '2026-12-01T00:00:00.000Z',
    finished: '2026-12-01T00:00:01.000Z',
    duration_ms: 1000,
    error,
    types: {},
    members: { written: 0, deleted: 0, unchanged: 0 },
    writes: { source: 0, derived: 0 },
    invalid_samples: [],
  };
}

describe('a sync run as the API shows it', () => {
  it('names a folder source by its kind, not its path, to non-admins, in the source and in the error', () => {
    const run = failedRun('/srv/peeringdb/dump', 'folder /srv/peeringdb/dump is missing (ENOENT)');
    const view = syncRunView(run, false);
    expect(view.source).toEqual({ kind: 'folder' });
    expect(view.error).toBe('folder the folder source is missing (ENOENT)');
    expect(JSON.stringify(view)).not.toContain('/srv/peeringdb');
  });

  it('names an http source by its host to non-admins, and gives admins the whole location', () => {
    const url = 'http://127.0.0.1:8080/mirror/api';
    const run = failedRun(url, `${url} is unreachable: connection refused (ECONNREFUSED)`);
    expect(syncRunView(run, false).error).toBe(
      'the http source 127.0.0.1:8080 is unreachable: connection refused (ECONNREFUSED)',
    );
    expect(JSON.stringify(syncRunView(run, false))).not.toContain('/mirror/api');
    const admin = syncRunView(run, true);
    expect(admin.source).toEqual({ kind: 'http', host: '127.0.0.1:8080', location: url });
    expect(admin.error).toBe(run.error);
  });
});
