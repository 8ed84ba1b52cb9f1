import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpSource } from '../../shared/peeringdb/sources/http-source';
import { syncPeeringDb } from '../../shared/app/peeringdb-sync';
import { peeringDb } from '../../shared/peeringdb/peeringdb-store';
import { syncRunsRepository } from '../../shared/peeringdb/sync-runs-store';

/**
 * A local server that speaks the PeeringDB API over records held in memory: `limit`/`skip` pages,
 * `since` (objects updated at or after that unix time), and faults queued per request.
 */
type Fault = '429' | '500' | 'truncated' | 'hang';
const records: Record<string, { id: number; updated: string; [k: string]: unknown }[]> = {};
const faults: { type: string; fault: Fault }[] = [];
const requests: { path: string; query: URLSearchParams; auth: string | undefined }[] = [];
const sleeps: number[] = [];
let server: Server;
let base = '';
const hanging: ServerResponse[] = [];

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://x');
  const type = url.pathname.replace(/^\/api\//, '');
  requests.push({ path: url.pathname, query: url.searchParams, auth: req.headers.authorization });
  const faultAt = faults.findIndex((f) => f.type === type);
  if (faultAt >= 0) {
    const fault = faults.splice(faultAt, 1)[0]?.fault;
    if (fault === '429') return res.writeHead(429, { 'retry-after': '7' }).end('{"message":"slow down"}');
    if (fault === '500') return res.writeHead(500).end('{"message":"boom"}');
    if (fault === 'truncated') return res.writeHead(200).end('{"data": [{"id": 1, "na');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data": [');
    hanging.push(res);
    return;
  }
  const since = url.searchParams.get('since');
  const all = (records[type] ?? []).filter(
    (r) => since === null || Date.parse(r.updated) / 1000 >= Number(since),
  );
  const skip = Number(url.searchParams.get('skip') ?? 0);
  const limit = Number(url.searchParams.get('limit') ?? all.length);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ data: all.slice(skip, skip + limit), meta: {} }));
}

const ix = (id: number, updated = '2024-01-01T00:00:00Z', name = `Exchange ${id}`) => ({
  id,
  org_id: 1,
  name,
  name_long: '',
  city: 'City',
  country: 'NL',
  region_continent: 'Europe',
  media: 'Ethernet',
  website: '',
  tech_email: '',
  policy_email: '',
  proto_unicast: true,
  proto_ipv6: true,
  created: '2020-01-01T00:00:00Z',
  updated,
  status: 'ok',
});

type SourceOptions = { apiKey?: string; maxAttempts?: number; retryBudgetMs?: number };
const source = (opts: SourceOptions = {}) =>
  httpSource({
    url: `${base}/api`,
    pageSize: 2,
    timeoutMs: 500,
    maxAttempts: opts.maxAttempts ?? 3,
    ...(opts.retryBudgetMs === undefined ? {} : { retryBudgetMs: opts.retryBudgetMs }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
  });
const run = (mode: 'full' | 'incremental', opts: SourceOptions = {}) =>
  syncPeeringDb({ source: source(opts), mode, types: ['ix'] });
const storedNames = async () =>
  (await peeringDb.searchExchanges({}, { limit: 100 })).data.map((x) => `${x.id}:${x.name}`).sort();

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

beforeEach(async () => {
  // Each test starts from an empty store: a full run over nothing deletes what the last one left.
  records.ix = [];
  faults.length = 0;
  await run('full');
  records.ix = [1, 2, 3, 4, 5].map((id) => ix(id));
  requests.length = 0;
  sleeps.length = 0;
});

describe('the PeeringDB client against a replay server', () => {
  it('pages with depth=0, limit and skip, and sends the API key', async () => {
    const report = await run('full', { apiKey: 'secret-key' });
    expect(report.status).toBe('succeeded');
    expect(report.types.ix).toMatchObject({ fetched: 5, added: 5, complete: true });
    expect(requests.map((r) => r.query.get('skip'))).toEqual(['0', '2', '4']);
    expect(requests.every((r) => r.query.get('depth') === '0' && r.query.get('limit') === '2')).toBe(true);
    expect(requests.every((r) => r.auth === 'Api-Key secret-key')).toBe(true);
    expect(report.source).not.toContain('secret-key');
  });

  it('asks only for changes since the last run, and applies deletions', async () => {
    records.ix = [1, 2, 3].map((id) => ix(id, '2020-01-01T00:00:00Z'));
    await run('full');
    const cursor = (await syncRunsRepository.cursors()).ix;
    expect(cursor).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z') / 1000);
    const later = new Date((cursor ?? 0) * 1000 + 5_000).toISOString();
    records.ix = [
      ix(1, '2020-01-01T00:00:00Z'),
      ix(2, later, 'Renamed'),
      { ...ix(3, later), status: 'deleted' },
      ix(9, later),
    ];
    requests.length = 0;
    const report = await run('incremental');
    expect(requests[0]?.query.get('since')).toBe(String(cursor));
    expect(report.types.ix).toMatchObject({ fetched: 3, added: 1, changed: 1, deleted: 1, unchanged: 0 });
    expect(await storedNames()).toEqual(['1:Exchange 1', '2:Renamed', '9:Exchange 9']);
  });

  it('waits as long as Retry-After says on 429, then goes on', async () => {
    faults.push({ type: 'ix', fault: '429' });
    const report = await run('full');
    expect(report.status).toBe('succeeded');
    expect(sleeps).toEqual([7000]);
    expect(report.types.ix?.added).toBe(5);
  });

  it('stops retrying once the next wait would pass the retry budget', async () => {
    faults.push({ type: 'ix', fault: '429' }, { type: 'ix', fault: '429' });
    const report = await run('full', { maxAttempts: 6, retryBudgetMs: 10_000 });
    expect(report.status).toBe('failed');
    expect(sleeps).toEqual([7000]);
    expect(report.error).toBe(
      'ix: /ix?depth=0&limit=2&skip=0: rate limited (429); gave up after 2 attempts (the next wait of 7 s would pass the 10 s retry budget)',
    );
  });

  it('retries a 500 and a truncated body, and keeps the data when a type cannot be fetched', async () => {
    await run('full');
    const before = await storedNames();
    const cursorBefore = (await syncRunsRepository.cursors()).ix;

    faults.push({ type: 'ix', fault: '500' }, { type: 'ix', fault: 'truncated' });
    const recovered = await run('full');
    expect(recovered.status).toBe('succeeded');
    expect(sleeps.length).toBe(2);

    records.ix = [ix(1)];
    faults.push({ type: 'ix', fault: '500' }, { type: 'ix', fault: '500' }, { type: 'ix', fault: '500' });
    const failed = await run('full');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/ix: .*500/);
    expect(failed.types.ix).toMatchObject({ complete: false, deleted: 0 });
    expect(await storedNames()).toEqual(before);
    expect((await syncRunsRepository.get(failed.id))?.status).toBe('failed');
    expect((await syncRunsRepository.cursors()).ix).toBeGreaterThanOrEqual(cursorBefore ?? 0);

    const next = await run('full');
    expect(next.status).toBe('succeeded');
    expect(next.types.ix).toMatchObject({ deleted: 4 });
    expect(await storedNames()).toEqual(['1:Exchange 1']);
  });

  it('times out a hanging request midway through a page, deletes nothing, and recovers next run', async () => {
    await run('full');
    records.ix = [ix(1), ix(2)];
    faults.push({ type: 'ix', fault: 'hang' });
    const failed = await run('full', { maxAttempts: 1 });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/timed out/);
    expect((await storedNames()).length).toBe(5);
    const next = await run('full');
    expect(next.status).toBe('succeeded');
    expect((await storedNames()).length).toBe(2);
  });

  it('skips and counts records that do not parse, and still syncs the others', async () => {
    records.ix = [ix(1), { ...ix(2), id: 'two' } as never, { ...ix(3), updated: 'yesterday' }, ix(4)];
    const report = await run('full');
    expect(report.status).toBe('succeeded');
    expect(report.types.ix).toMatchObject({ fetched: 4, added: 2, invalid: 2 });
    expect(report.invalid_samples.map((s) => s.id)).toEqual([null, 3]);
  });
});
