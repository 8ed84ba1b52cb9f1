import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/platform/config';
import { backgroundRun, runInBackground } from '../../shared/app/peeringdb-sync';
import { provideSyncLauncher, type SyncLauncher } from '../../shared/peeringdb/start-sync';
import { syncRunsRepository } from '../../shared/peeringdb/sync-runs-store';
import { call, tableSnapshot, userWithRole, callRoute } from '../support/api';
import { getExchangeRoute } from '../../shared/exchanges/exchanges-routes';
import { getSyncRunRoute, listSyncRunsRoute, startSyncRoute } from '../../shared/peeringdb/routes';
import { syncSourceOf } from '../../shared/peeringdb/sync-run-view';

let admin = '';
let viewer = '';
let operator = '';
let folder = '';

beforeAll(async () => {
  // Locally a run reads the PeeringDB URL from config; a file: URL names a folder of responses.
  folder = mkdtempSync(join(tmpdir(), 'peerflow-pdb-'));
  mkdirSync(join(folder, 'ix'));
  const ix = {
    id: 7,
    name: 'Test IX',
    city: 'Oslo',
    country: 'NO',
    created: '2020-01-01T00:00:00Z',
    updated: '2020-01-01T00:00:00Z',
    status: 'ok',
  };
  writeFileSync(join(folder, 'ix', 'page-1.json'), JSON.stringify({ data: [ix], meta: {} }));
  process.env.PEERINGDB_URL = pathToFileURL(folder).href;
  resetConfig();
  admin = (await userWithRole('admin')).token;
  viewer = (await userWithRole('viewer')).token;
  operator = (await userWithRole('operator')).token;
});

describe('sync routes', () => {
  it('starts a run in the background, then lists it and shows its report', async () => {
    const start = await callRoute(startSyncRoute, { token: admin, query: { mode: 'full' } });
    expect(start.status).toBe(202);
    expect(start.json).toMatchObject({ mode: 'full', status: 'started' });
    const finished = await backgroundRun();
    expect(finished?.id).toBe(start.json.id);

    const one = await callRoute(getSyncRunRoute, { token: viewer, params: { id: start.json.id } });
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      trigger: expect.stringContaining('api:'),
    });
    expect(one.json.types.ix).toMatchObject({ fetched: 1, added: 1, changed: 0, deleted: 0, unchanged: 0 });

    const again = await callRoute(startSyncRoute, { token: admin });
    expect(again.status).toBe(202);
    expect(again.json.mode).toBe('auto');
    const second = await backgroundRun();
    expect(second).toMatchObject({ mode: 'incremental', writes: { source: 0, derived: 0 } });

    const list = await callRoute(listSyncRunsRoute, { token: viewer, query: { limit: 1 } });
    expect(list.json.data.map((r: { id: string }) => r.id)).toEqual([again.json.id]);
    const rest = await callRoute(listSyncRunsRoute, {
      token: viewer,
      query: { limit: 5, cursor: list.json.next_cursor ?? undefined },
    });
    expect(rest.json.data.map((r: { id: string }) => r.id)).toEqual([start.json.id]);

    const ix = await callRoute(getExchangeRoute, { token: viewer, params: { public_id: 7 } });
    expect(ix.json.public_name).toBe('Test IX');
  });

  it("shows viewers the source's kind only, never the folder it was read from; admins see it", async () => {
    const start = await callRoute(startSyncRoute, { token: admin, query: { mode: 'full' } });
    expect(start.status).toBe(202);
    await backgroundRun();
    const id = start.json.id;
    for (const token of [viewer, operator]) {
      const one = await callRoute(getSyncRunRoute, { token, params: { id } });
      expect(one.status).toBe(200);
      expect(one.json.source).toEqual({ kind: 'folder' });
      expect(one.body).not.toContain(folder);
      const list = await callRoute(listSyncRunsRoute, { token, query: { limit: 100 } });
      expect(list.json.data.find((r) => r.id === id)?.source).toEqual({ kind: 'folder' });
      expect(list.body).not.toContain(folder);
    }
    const asAdmin = await callRoute(getSyncRunRoute, { token: admin, params: { id } });
    expect(asAdmin.json.source).toEqual({ kind: 'folder', location: folder });
    const listed = await callRoute(listSyncRunsRoute, { token: admin, query: { limit: 100 } });
    expect(listed.json.data.find((r) => r.id === id)?.source).toEqual({ kind: 'folder', location: folder });
  });

  it('names an http source by its host, and records in memory by their kind', () => {
    expect(syncSourceOf('https://www.peeringdb.com/api', false)).toEqual({
      kind: 'http',
      host: 'www.peeringdb.com',
    });
    expect(syncSourceOf('http://127.0.0.1:8080/mirror/api', true)).toEqual({
      kind: 'http',
      host: '127.0.0.1:8080',
      location: 'http://127.0.0.1:8080/mirror/api',
    });
    expect(syncSourceOf('generated demo set', false)).toEqual({ kind: 'memory' });
    expect(syncSourceOf('C:\\peeringdb\\dump', false)).toEqual({ kind: 'folder' });
  });

  it('answers 409 while another run holds the lease, and starts nothing', async () => {
    await syncRunsRepository.acquireLease('other-run', 60, Math.floor(Date.now() / 1000));
    const before = await tableSnapshot();
    const res = await callRoute(startSyncRoute, { token: admin });
    expect(res.status).toBe(409);
    expect(await tableSnapshot()).toEqual(before);
    await syncRunsRepository.releaseLease('other-run');
  });

  it('is for admins to start, viewers to read; unknown runs are 404', async () => {
    expect((await callRoute(startSyncRoute, { token: operator })).status).toBe(403);
    expect((await call('POST', '/sync/peeringdb?mode=sometimes', { token: admin })).status).toBe(422);
    expect((await callRoute(listSyncRunsRoute)).status).toBe(401);
    const missing = await callRoute(getSyncRunRoute, { token: viewer, params: { id: crypto.randomUUID() } });
    expect(missing.status).toBe(404);
    expect((await callRoute(getSyncRunRoute, { token: viewer, params: { id: 'not-a-uuid' } })).status).toBe(
      422,
    );
  });

  it('hands the run to the launcher of the deployment, and answers 503 when there is none', async () => {
    const launched: Parameters<SyncLauncher>[0][] = [];
    try {
      provideSyncLauncher(async (event) => {
        launched.push(event);
      });
      const res = await callRoute(startSyncRoute, { token: admin, query: { mode: 'incremental' } });
      expect(res.status).toBe(202);
      expect(launched).toEqual([
        { mode: 'incremental', runId: res.json.id, trigger: expect.stringMatching(/^api:.+@/) },
      ]);

      provideSyncLauncher(undefined as unknown as SyncLauncher);
      const none = await callRoute(startSyncRoute, { token: admin });
      expect(none.status).toBe(503);
      expect(none.error?.message).toBe('No sync function is configured for this deployment');
    } finally {
      provideSyncLauncher(runInBackground);
    }
  });
});
