import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError, openEapiTransport } from '../../shared/devices';

/**
 * The eAPI transport against a real HTTPS server on loopback with a self-signed certificate (made
 * with openssl for the test): the request goes out only to the pinned certificate.
 */
describe('the eAPI transport', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let fingerprint: string;
  const received: { auth: string | undefined; body: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pf-eapi-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=eos.example.net',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    fingerprint = new X509Certificate(cert).fingerprint256;
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ auth: req.headers.authorization, body });
        const { id, params } = JSON.parse(body) as { id: string; params: { cmds: string[] } };
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ jsonrpc: '2.0', id, result: params.cmds.map((c) => ({ echoed: c })) }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends runCmds with basic auth to the pinned certificate, fingerprint given as openssl prints it', async () => {
    const t = openEapiTransport({
      host: '127.0.0.1',
      port,
      username: 'peerflow',
      password: 'pw',
      certificateSha256: fingerprint,
    });
    const r = await t.runCmds(['enable', 'show version'], 'json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).result).toEqual([{ echoed: 'enable' }, { echoed: 'show version' }]);
    const last = received.at(-1)!;
    expect(last.auth).toBe(`Basic ${Buffer.from('peerflow:pw').toString('base64')}`);
    expect(JSON.parse(last.body)).toMatchObject({
      jsonrpc: '2.0',
      method: 'runCmds',
      params: { version: 1, format: 'json' },
    });
  });

  it('refuses another certificate before sending anything, naming both fingerprints', async () => {
    const before = received.length;
    const other = createHash('sha256').update('another certificate').digest('hex');
    const t = openEapiTransport({
      host: '127.0.0.1',
      port,
      username: 'peerflow',
      password: 'pw',
      certificateSha256: other,
    });
    const err = await t.runCmds(['show version'], 'json').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as Error).message).toMatch(/not the pinned SHA256:.*nothing was sent/);
    expect(received.length).toBe(before);
  });
});
