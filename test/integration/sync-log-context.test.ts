import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LogItem } from '@aws-lambda-powertools/logger';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { backgroundRun } from '../../shared/app/peeringdb-sync';
import { resetConfig } from '../../shared/platform/config';
import { logger } from '../../shared/platform/logger';
import { syncRunsRepository } from '../../shared/peeringdb/sync-runs-store';
import { call, userWithRole } from '../support/api';

/**
 * A PeeringDB stand-in whose exchange list answers 404 only when told to: the run started by one
 * request fails that type (and logs it) exactly while another request is being served.
 */
let server: Server;
let releaseExchanges: () => void = () => undefined;
const exchangesReleased = new Promise<void>((resolve) => {
  releaseExchanges = resolve;
});

function handle(req: IncomingMessage, res: ServerResponse) {
  const type = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
  if (type !== 'ix') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": []}');
    return;
  }
  void exchangesReleased.then(() => res.writeHead(404).end('{"message": "gone"}'));
}

let admin = '';
let viewer = '';

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.env.PEERINGDB_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  resetConfig();
  admin = (await userWithRole('admin')).token;
  viewer = (await userWithRole('viewer')).token;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT');
});

describe('log keys of a background sync run', () => {
  it('carries the keys of the request that started it, never those of a request served meanwhile', async () => {
    // Every line the logger would print, as it would print it.
    const lines: Record<string, unknown>[] = [];
    let typeFailureLogged: () => void = () => undefined;
    const typeFailure = new Promise<void>((resolve) => {
      typeFailureLogged = resolve;
    });
    vi.spyOn(
      logger as unknown as { printLog: (level: number, item: LogItem) => void },
      'printLog',
    ).mockImplementation((_level, item) => {
      const attributes = item.getAttributes();
      lines.push(attributes);
      if (attributes.message === 'PeeringDB type sync failed') typeFailureLogged();
    });
    logger.setLogLevel('DEBUG');
    // Request B, while it is being served, lets the run go on and waits until the run has logged.
    const read = syncRunsRepository.get.bind(syncRunsRepository);
    vi.spyOn(syncRunsRepository, 'get').mockImplementation(async (id) => {
      releaseExchanges();
      await typeFailure;
      return read(id);
    });

    const started = await call('POST', '/sync/peeringdb?mode=full', {
      token: admin,
      headers: { 'x-correlation-id': 'request-a' },
    });
    expect(started.status).toBe(202);
    const runId = started.json.id as string;
    const shown = await call('GET', `/sync/runs/${runId}`, {
      token: viewer,
      headers: { 'x-correlation-id': 'request-b' },
    });
    expect(shown.status).toBe(200);
    const report = await backgroundRun();
    expect(report).toMatchObject({ id: runId, status: 'failed' });

    const runLines = lines.filter((l) => l.message === 'PeeringDB type sync failed');
    expect(runLines).toHaveLength(1);
    expect(runLines[0]).toMatchObject({ correlation_id: 'request-a', sync_run_id: runId, type: 'ix' });
    const bLines = lines.filter((l) => l.correlation_id === 'request-b');
    expect(bLines.length).toBeGreaterThan(0);
    expect(bLines.every((l) => l.operation === 'getSyncRun')).toBe(true);
    // Nothing of B's Lambda invocation either: the run's lines name no function request.
    expect(runLines[0]?.function_request_id).toBeUndefined();
  });
});
