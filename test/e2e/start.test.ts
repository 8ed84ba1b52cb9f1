import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, portOpen } from '../../local/engines';
import { responsesFolder } from '../support/peeringdb';

/**
 * `npm start` as a person or a service manager runs it: on its own ports and data folder, stopped
 * by Ctrl-C (SIGINT to the whole process group) or by SIGTERM to npm alone, which npm does not pass
 * on. Either way nothing may be left listening: not the API, not DynamoDB Local's Java process, not
 * the local SES endpoint.
 */
interface Started {
  npm: ChildProcess;
  ports: number[];
  output: () => string;
}

async function start(dataDir = mkdtempSync(join(tmpdir(), 'peerflow-start-'))): Promise<Started> {
  const [port, ddbPort, sesPort] = [await freePort(), await freePort(), await freePort()];
  let output = '';
  // The engines' endpoints and the table come from the start itself, not from the tests' setup.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['DDB_ENDPOINT', 'SES_ENDPOINT', 'TABLE_NAME']) delete env[name];
  const npm = spawn('npm', ['start'], {
    detached: true, // its own process group, as a terminal gives it
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...env,
      PORT: String(port),
      DDB_PORT: String(ddbPort),
      SES_PORT: String(sesPort),
      DATA_DIR: dataDir,
    },
  });
  npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  // Generous: on two cores the rest of the suite runs beside it, and DynamoDB Local starts a JVM.
  for (let i = 0; i < 900 && !output.includes('peerflow is up'); i++) {
    if (npm.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(output).toContain('peerflow is up');
  const health = await fetch(`http://127.0.0.1:${port}/health`);
  expect(health.status).toBe(200);
  return { npm, ports: [port, ddbPort, sesPort], output: () => output };
}

/** Waits up to `ms` for the text to appear in what the process printed. */
async function printed(output: () => string, text: string, ms: number): Promise<string> {
  for (let waited = 0; waited < ms && !output().includes(text); waited += 100)
    await new Promise((r) => setTimeout(r, 100));
  return output();
}

/** `npm run sync` on a data folder, against the engine of a running `npm start`. */
function syncCli(dataDir: string, ddbPort: number, from: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DDB_PORT: String(ddbPort) };
  for (const name of ['DDB_ENDPOINT', 'SES_ENDPOINT', 'TABLE_NAME']) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'sync', '--', '--from', from], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(output));
  });
}

/** Waits until none of the ports accepts a connection; returns those still open after the wait. */
async function closedWithin(ports: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let open = ports;
  while (Date.now() < deadline) {
    open = (await Promise.all(ports.map(async (p) => ((await portOpen(p)) ? p : undefined)))).filter(
      (p): p is number => p !== undefined,
    );
    if (open.length === 0) return [];
    await new Promise((r) => setTimeout(r, 200));
  }
  return open;
}

describe('npm start', () => {
  it('stops everything on Ctrl-C', async () => {
    const { npm, ports } = await start();
    process.kill(-npm.pid!, 'SIGINT');
    expect(await closedWithin(ports, 45_000)).toEqual([]);
  }, 180_000);

  it('stops everything when only npm is sent SIGTERM', async () => {
    const { npm, ports } = await start();
    npm.kill('SIGTERM');
    expect(await closedWithin(ports, 45_000)).toEqual([]);
  }, 180_000);

  it('warns, once the data is in, when the settings name a network the data does not have', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'peerflow-start-'));
    const first = await start(dataDir);
    expect(await printed(first.output, 'demo data: sync run', 240_000)).toMatch(
      /demo data: sync run \S+ succeeded/,
    );
    expect(first.output()).not.toContain('warning: our network');

    // Another source: network 1 is not in it, so the demo's settings name nobody there.
    const folder = responsesFolder({
      ix: [{ id: 1 }],
      net: [{ id: 2, asn: 3257, name: 'GTT Communications' }],
    });
    const sync = await syncCli(dataDir, first.ports[1]!, folder);
    expect(sync).toContain('"mode_reason": "source changed from the generated small set (seed 1) to folder');
    expect(sync).toContain('warning: our network is not in the PeeringDB data: PeeringDB has no network 1');
    process.kill(-first.npm.pid!, 'SIGINT');
    expect(await closedWithin(first.ports, 45_000)).toEqual([]);

    const again = await start(dataDir);
    expect(await printed(again.output, 'warning: our network', 30_000)).toContain(
      'warning: our network is not in the PeeringDB data: PeeringDB has no network 1: set source_asn and source_participant_id with PATCH /settings',
    );
    process.kill(-again.npm.pid!, 'SIGINT');
    expect(await closedWithin(again.ports, 45_000)).toEqual([]);
  }, 400_000);
});
