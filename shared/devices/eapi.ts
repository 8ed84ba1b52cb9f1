import { createHash } from 'node:crypto';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { DeviceError, type DeviceTransport, type ExecResult } from './device';
import { normalizeHostKeyFingerprint } from './host-key';

/**
 * Arista eAPI: JSON-RPC `runCmds` over HTTPS. The switch's certificate is usually self-signed, so
 * it is pinned instead of chained: its SHA-256 fingerprint must be the one stored with the
 * connection, checked once TLS is up and before the request (and its credentials) is sent.
 */

export interface EapiTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** SHA-256 of the server certificate (DER): 64 hex digits, with or without colons, or `SHA256:<base64>`. */
  readonly certificateSha256: string;
  readonly timeoutMs?: number;
}

export interface EapiTransport extends DeviceTransport {
  /** Runs `cmds` in one request; the reply's body as eAPI sent it. */
  runCmds(cmds: readonly string[], format: 'json' | 'text'): Promise<ExecResult>;
}

/** A certificate fingerprint as `SHA256:<base64>` (the form the SSH host keys are kept in). */
export function normalizeCertificateFingerprint(value: string): string | null {
  const hex = value.replace(/:/g, '');
  return normalizeHostKeyFingerprint(/^[0-9A-Fa-f]{64}$/.test(hex) ? hex : value);
}

export function openEapiTransport(target: EapiTarget): EapiTransport {
  const where = `${target.host}:${target.port}`;
  const pinned = normalizeCertificateFingerprint(target.certificateSha256);
  if (pinned === null)
    throw new DeviceError(`the pinned certificate of ${where} is not a SHA-256 fingerprint`);
  let nextId = 1;
  const runCmds = (cmds: readonly string[], format: 'json' | 'text') =>
    new Promise<ExecResult>((resolve, reject) => {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        method: 'runCmds',
        params: { version: 1, cmds, format },
        id: `peerflow-${nextId++}`,
      });
      const command = cmds.join('\n');
      const req = request({
        host: target.host,
        port: target.port,
        method: 'POST',
        path: '/command-api',
        // Chain checks do not apply to a pinned self-signed certificate: the fingerprint is the check.
        rejectUnauthorized: false,
        agent: false,
        timeout: target.timeoutMs ?? 60_000,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Basic ${Buffer.from(`${target.username}:${target.password}`).toString('base64')}`,
        },
      });
      req.on('socket', (socket) => {
        socket.once('secureConnect', () => {
          const cert = (socket as TLSSocket).getPeerCertificate();
          const raw = cert?.raw;
          const presented = raw
            ? normalizeCertificateFingerprint(createHash('sha256').update(raw).digest('hex'))
            : null;
          if (presented !== pinned) {
            req.destroy(
              new DeviceError(
                `the certificate of ${where} is ${presented ?? 'missing'}, not the pinned ${pinned}: nothing was sent`,
              ),
            );
            return;
          }
          req.end(body);
        });
      });
      req.on('timeout', () => req.destroy(new DeviceError(`eAPI at ${where} did not answer in time`)));
      req.on('error', (err) =>
        reject(err instanceof DeviceError ? err : new DeviceError(`eAPI at ${where} failed: ${err.message}`)),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 401) {
            reject(new DeviceError(`eAPI at ${where} refused the login of ${target.username}`));
            return;
          }
          // A refused command is HTTP 200 with a JSON-RPC error: the driver reads the body.
          const ok = res.statusCode === 200;
          resolve({
            command,
            exitCode: ok ? 0 : 1,
            stdout: text,
            stderr: ok ? '' : `HTTP ${res.statusCode}`,
          });
        });
      });
    });
  return {
    runCmds,
    exec: (command) => runCmds(command.split('\n'), 'json'),
    close: async () => undefined,
  };
}
