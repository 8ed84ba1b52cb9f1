import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/platform/config';
import { backgroundRun } from '../../shared/app/peeringdb-sync';
import { getSyncRunRoute, startSyncRoute } from '../../shared/peeringdb/routes';
import { callRoute, userWithRole } from '../support/api';

/** A loopback port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

let admin = '';

beforeAll(async () => {
  admin = (await userWithRole('admin')).token;
});

afterEach(() => {
  delete process.env.PEERINGDB_URL;
  resetConfig();
});

async function runAgainst(url: string) {
  process.env.PEERINGDB_URL = url;
  resetConfig();
  const start = await callRoute(startSyncRoute, { token: admin });
  expect(start.status).toBe(202);
  await backgroundRun();
  const run = await callRoute(getSyncRunRoute, { token: admin, params: { id: start.json.id } });
  expect(run.status).toBe(200);
  return run.json;
}

describe('POST /sync/peeringdb against a source that cannot be reached', () => {
  it('fails at once when the connection is refused, naming the source, without trying every type', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api`;
    const run = await runAgainst(url);
    expect(run.status).toBe('failed');
    expect(run.error).toBe(`org: ${url} is unreachable: connection refused (ECONNREFUSED)`);
    expect(Object.keys(run.types)).toEqual(['org']);
    expect(run.types.org).toMatchObject({ fetched: 0, complete: false });
  });

  it('fails when the folder a file: URL names does not exist', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'peerflow-gone-'));
    rmSync(folder, { recursive: true });
    const run = await runAgainst(pathToFileURL(folder).href);
    expect(run.status).toBe('failed');
    expect(run.error).toBe('org: the folder of saved responses does not exist');
    expect(Object.keys(run.types)).toEqual(['org']);
  });
});
