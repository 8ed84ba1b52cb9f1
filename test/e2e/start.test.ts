import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, portOpen } from '../../local/engines';

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

async function start(): Promise<Started> {
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
      DATA_DIR: mkdtempSync(join(tmpdir(), 'peerflow-start-')),
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
});
