import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { connect as tlsConnect, createSecureContext, type PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { type DeviceTransport, DeviceError } from './device';
import {
  GOBGP_SERVICES,
  type GobgpApiVersion,
  type GobgpStreamMethod,
  type GobgpUnaryMethod,
  gobgpApiDescriptor,
} from './gobgp-api';
import { normalizeHostKeyFingerprint } from './host-key';

/**
 * GoBGP's gRPC API as a management connection. gobgpd's API has no login: whoever reaches it runs
 * the daemon. peerflow reaches it only over TLS, and trusts exactly one server certificate, pinned
 * by its SHA-256 fingerprint (as `openssl x509 -noout -fingerprint -sha256` prints it): a first TLS
 * handshake reads the certificate the host presents and refuses any other before a single call is
 * made; the channel then trusts that certificate alone and checks its fingerprint again on every
 * connection it opens. A client certificate and key, when given, are presented (mutual TLS, for a
 * TLS front that asks for one: gobgpd 3.10 itself does not).
 */
export interface GrpcTarget {
  readonly host: string;
  readonly port: number;
  /** The pinned server certificate: `SHA256:<base64>`, 64 hex digits, or colon-separated pairs. */
  readonly certificateSha256: string;
  /** PEM client certificate and key, for mutual TLS. */
  readonly clientCertificate?: string;
  readonly clientKey?: string;
  /** The GoBGP major whose API the daemon serves (its package and service name differ). */
  readonly apiVersion: GobgpApiVersion;
  /** How long the TCP connection and TLS handshake may take (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** How long one call may take (default 30 s). */
  readonly callTimeoutMs?: number;
}

/** What a call answered: the message(s), or the gRPC status that ended it. */
export type GrpcOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: number; readonly codeName: string; readonly details: string };

/** An open connection to gobgpd's API. Not a shell: `exec` always refuses. */
export interface GobgpGrpcTransport extends DeviceTransport {
  readonly kind: 'gobgp-grpc';
  readonly apiVersion: GobgpApiVersion;
  /** `host:port`, for messages. */
  readonly where: string;
  unary(method: GobgpUnaryMethod, request: object): Promise<GrpcOutcome<Record<string, unknown>>>;
  stream(method: GobgpStreamMethod, request: object): Promise<GrpcOutcome<Record<string, unknown>[]>>;
  /** Calls GetBgp under the other major's service name: which API the daemon serves, when not the pinned one. */
  probe(version: GobgpApiVersion): Promise<GrpcOutcome<Record<string, unknown>>>;
}

export function isGobgpGrpcTransport(t: DeviceTransport): t is GobgpGrpcTransport {
  return (t as Partial<GobgpGrpcTransport>).kind === 'gobgp-grpc';
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_CALL_TIMEOUT_MS = 30_000;

/** How proto-loader presents messages: field names as written, 64-bit counts as numbers, every field present. */
const LOADER_OPTIONS = { keepCase: true, longs: Number, enums: Number, defaults: true } as const;

const digestOf = (der: Buffer) => createHash('sha256').update(der).digest();
const openSslForm = (digest: Buffer) => `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;

function pemOf(der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${body.trimEnd()}\n-----END CERTIFICATE-----\n`;
}

function connectionFailure(where: string, host: string, err: Error & { code?: string }): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `gRPC connection to ${where} refused`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `gRPC host ${where} unreachable`;
    case 'ETIMEDOUT':
      return `gRPC connection to ${where} timed out`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `gRPC host ${host} not found`;
    case 'ECONNRESET':
      return `gRPC connection to ${where} reset during the TLS handshake (does gobgpd run with --tls?)`;
  }
  return `gRPC connection to ${where} failed: ${err.message.split('\n')[0]}`;
}

/** One TLS handshake: the certificate the host presents, as DER. No byte of the API is sent. */
function presentedCertificate(target: GrpcTarget, where: string, timeoutMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const socket = tlsConnect({
      host: target.host,
      port: target.port,
      ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
      ALPNProtocols: ['h2'],
      // The chain is not what is trusted here: the fingerprint below is.
      rejectUnauthorized: false,
      ...(target.clientCertificate && target.clientKey
        ? { cert: target.clientCertificate, key: target.clientKey }
        : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new DeviceError(`gRPC connection to ${where} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      socket.end();
      if (!cert?.raw) reject(new DeviceError(`the host at ${where} presented no TLS certificate`));
      else resolve(cert.raw);
    });
    socket.once('error', (err: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(new DeviceError(connectionFailure(where, target.host, err)));
    });
  });
}

/**
 * Opens the API connection: checks the pinned certificate first (a DeviceError naming both
 * fingerprints when it differs), then makes the channel. Every failure to connect is a DeviceError
 * with one line of reason and nothing secret.
 */
export async function openGobgpGrpcTransport(target: GrpcTarget): Promise<GobgpGrpcTransport> {
  const where = isIP(target.host) === 6 ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
  const pinned = normalizeHostKeyFingerprint(target.certificateSha256);
  if (pinned === null) {
    throw new DeviceError(`the pinned TLS certificate of ${where} is not a SHA-256 fingerprint`);
  }
  const der = await presentedCertificate(
    target,
    where,
    target.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
  );
  const presented = openSslForm(digestOf(der));
  if (presented !== pinned) {
    throw new DeviceError(
      `TLS certificate of ${where} is ${presented}, not the pinned ${pinned}: connection refused before any call`,
    );
  }
  const context = createSecureContext({
    ca: pemOf(der),
    // The pinned certificate may be a leaf issued by a CA peerflow does not know: trust it alone.
    allowPartialTrustChain: true,
    ...(target.clientCertificate && target.clientKey
      ? { cert: target.clientCertificate, key: target.clientKey }
      : {}),
  });
  const credentials = grpc.credentials.createFromSecureContext(context, {
    // The name is not what is trusted, the certificate is: each connection must present it again.
    checkServerIdentity: (_host: string, cert: PeerCertificate) =>
      cert.raw && openSslForm(digestOf(cert.raw)) === pinned
        ? undefined
        : new Error(`the TLS certificate of ${where} changed`),
  });
  const clients = new Map<GobgpApiVersion, grpc.Client>();
  const clientFor = (version: GobgpApiVersion): grpc.Client => {
    let client = clients.get(version);
    if (!client) {
      const { pkg, service } = GOBGP_SERVICES[version];
      const loaded = grpc.loadPackageDefinition(
        fromJSON(gobgpApiDescriptor(version), LOADER_OPTIONS),
      ) as Record<string, Record<string, grpc.ServiceClientConstructor>>;
      const Client = loaded[pkg]![service]!;
      client = new Client(where, credentials, {
        // SNI carries a name, never an address (RFC 6066); gobgpd ignores it.
        'grpc.ssl_target_name_override': isIP(target.host) === 0 ? target.host : 'gobgpd',
        'grpc.default_authority': where,
      });
      clients.set(version, client);
    }
    return client;
  };
  const callTimeoutMs = target.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const deadline = () => new Date(Date.now() + callTimeoutMs);
  const failed = (err: grpc.ServiceError) => ({
    ok: false as const,
    code: err.code,
    codeName: grpc.status[err.code] ?? String(err.code),
    details: err.details || err.message,
  });
  type Unary = (
    req: object,
    meta: grpc.Metadata,
    options: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res: Record<string, unknown>) => void,
  ) => void;
  type Streaming = (
    req: object,
    options: grpc.CallOptions,
  ) => grpc.ClientReadableStream<Record<string, unknown>>;
  const unaryOn = (version: GobgpApiVersion, method: string, request: object) =>
    new Promise<GrpcOutcome<Record<string, unknown>>>((resolve) => {
      const client = clientFor(version) as unknown as Record<string, Unary>;
      client[method]!.call(client, request, new grpc.Metadata(), { deadline: deadline() }, (err, res) =>
        resolve(err ? failed(err) : { ok: true, value: res }),
      );
    });
  let closed = false;

  return {
    kind: 'gobgp-grpc',
    apiVersion: target.apiVersion,
    where,
    async exec(command) {
      throw new DeviceError(`${where} is gobgpd's gRPC API, not a shell: cannot run ${command}`);
    },
    unary: (method, request) => unaryOn(target.apiVersion, method, request),
    probe: (version) => unaryOn(version, 'GetBgp', {}),
    stream(method, request) {
      return new Promise((resolve) => {
        const client = clientFor(target.apiVersion) as unknown as Record<string, Streaming>;
        const call = client[method]!.call(client, request, { deadline: deadline() });
        const items: Record<string, unknown>[] = [];
        call.on('data', (item: Record<string, unknown>) => items.push(item));
        call.on('error', (err: grpc.ServiceError) => resolve(failed(err)));
        call.on('end', () => resolve({ ok: true, value: items }));
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const client of clients.values()) client.close();
    },
  };
}
