import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';
import { routerConnectionSecrets } from '../platform/secrets/session-passwords';
import { ConflictError, NotFoundError, ValidationError } from '../platform/errors';
import { getRouter, routerKey, type StoredRouter } from '../routers';
import { canonicalIp } from '../kernel';
import { aristaEos, bird2, ciscoIos, ciscoIosxr, frr, gobgp, junos, openbgpd } from '../config-render';
import { GOBGP_API_VERSIONS, normalizeHostKeyFingerprint } from '../devices';

/**
 * A router's management connection: how peerflow reaches the host its daemon runs on. The secret
 * (an SSH password or private key) is encrypted with the session-password key, bound to the router,
 * written and never shown again; everything else reads back.
 */

/** A path on the device: absolute, and only characters no shell or config reads as syntax. */
const DevicePath = z.string().check(
  z.maxLength(255),
  z.regex(/^\/[A-Za-z0-9._\-/]*$/, 'must be an absolute path of letters, digits, ".", "_", "-" and "/"'),
  z.refine((p) => !p.split('/').includes('..'), 'must not climb with ".."'),
);

const HostName = z.string().check(
  z.maxLength(253),
  z.refine(
    (h) =>
      canonicalIp(h) !== undefined ||
      /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(
        h,
      ),
    'must be an IP address or a DNS host name',
  ),
);

export const ConnectionOptionsSchema = z.strictObject({
  managed_path: DevicePath.check(
    z.meta({ description: "the peerflow-managed file that the daemon's main config includes" }),
  ),
  main_config_path: DevicePath.check(z.meta({ description: "the daemon's main config file" })),
  base_path: z._default(z.nullable(DevicePath), null).check(
    z.meta({
      description:
        "FRR and GoBGP, whose configs include nothing: the operator's part of the config, which peerflow puts before its own in main_config_path",
    }),
  ),
  control_socket: z
    ._default(
      z.nullable(
        z.string().check(
          z.maxLength(255),
          z.regex(
            /^(\/[A-Za-z0-9._\-/]*|unix:\/\/\/[A-Za-z0-9._\-/]+|[A-Za-z0-9.-]+:\d{1,5}|\[[0-9A-Fa-f:.]+\]:\d{1,5})$/,
            'must be an absolute path, unix:///path, or host:port (GoBGP)',
          ),
          z.refine((p) => !p.split('/').includes('..'), 'must not climb with ".."'),
        ),
      ),
      null,
    )
    .check(
      z.meta({
        description:
          "the daemon's control interface when not its default: birdc's or bgpctl's socket, FRR's vty folder, GoBGP's gRPC host:port",
      }),
    ),
  sudo: z._default(z.boolean(), false),
});

/** How peerflow reaches a router's management plane. */
export const CONNECTION_TRANSPORTS = ['ssh', 'netconf', 'eapi', 'grpc'] as const;
export type ConnectionTransport = (typeof CONNECTION_TRANSPORTS)[number];

/** The transports each platform is delivered over (a platform missing here has none). */
export const PLATFORM_TRANSPORTS: Readonly<Record<string, readonly ConnectionTransport[]>> = {
  [bird2.id]: ['ssh'],
  [frr.id]: ['ssh'],
  [openbgpd.id]: ['ssh'],
  [gobgp.id]: ['ssh', 'grpc'],
  [junos.id]: ['netconf'],
  [ciscoIosxr.id]: ['netconf'],
  [aristaEos.id]: ['eapi'],
  [ciscoIos.id]: ['ssh'],
};

const DEFAULT_PORTS: Record<Exclude<ConnectionTransport, 'grpc'>, number> = {
  ssh: 22,
  netconf: 830,
  eapi: 443,
};

/** What a vendor platform's connection stores for the daemon options it has no use for. */
const VENDOR_OPTIONS = {
  managed_path: '/peerflow',
  main_config_path: '/peerflow',
  base_path: null,
  control_socket: null,
  sudo: false,
};

const VENDOR_PLATFORMS = new Set<string>([junos.id, ciscoIosxr.id, aristaEos.id, ciscoIos.id]);

const Fingerprint = (description: string) =>
  z.string().check(
    z.refine(
      (v) => normalizeHostKeyFingerprint(v) !== null,
      'must be SHA256:<base64>, 64 hex digits, or 32 colon-separated hex pairs',
    ),
    z.meta({ description }),
  );

const PemPrivateKey = z
  .string()
  .check(
    z.maxLength(16_384),
    z.regex(
      /^-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+-----END [A-Z ]*PRIVATE KEY-----\s*$/,
      'must be a PEM or OpenSSH private key',
    ),
  );

export const SshConnectionInputSchema = z
  .strictObject({
    transport: z.enum(['ssh', 'netconf', 'eapi']).check(
      z.meta({
        description:
          'ssh for every daemon host (bird2, frr, openbgpd, gobgp) and Cisco IOS; netconf for Junos and IOS XR; eapi (HTTPS) for Arista EOS; grpc (below) for GoBGP',
      }),
    ),
    host: HostName,
    port: z
      .optional(z.int().check(z.gte(1), z.lte(65_535)))
      .check(z.meta({ description: 'default: 22 for ssh, 830 for netconf, 443 for eapi' })),
    username: z.string().check(z.regex(/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/, 'must be a login name')),
    password: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    private_key: z.optional(PemPrivateKey),
    host_key_sha256: Fingerprint(
      "the SHA-256 fingerprint of the host's SSH key (ssh, netconf), or of the switch's HTTPS certificate (eapi); any other key is refused",
    ),
    options: z
      .optional(ConnectionOptionsSchema)
      .check(z.meta({ description: 'required for the daemon platforms; the vendor platforms use none' })),
  })
  .check(
    z.refine((c) => (c.password === undefined) !== (c.private_key === undefined), {
      message: 'give exactly one of password and private_key',
      path: ['password'],
    }),
  );

export const GrpcConnectionOptionsSchema = z.strictObject({
  api_version: z.enum(GOBGP_API_VERSIONS).check(
    z.meta({
      description:
        "the GoBGP major whose API gobgpd serves: v3 (apipb.GobgpApi, GoBGP 3.x) or v4 (api.GoBgpService); checked at each deployment's identity step",
    }),
  ),
});

export const GrpcConnectionInputSchema = z
  .strictObject({
    transport: z
      .literal('grpc')
      .check(z.meta({ description: "grpc: GoBGP's gRPC API over TLS (gobgp routers only)" })),
    host: HostName,
    port: z._default(z.int().check(z.gte(1), z.lte(65_535)), 50051),
    host_key_sha256: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? "gRPC needs TLS: host_key_sha256 (the SHA-256 fingerprint of gobgpd's TLS certificate) is required; a plaintext API is refused"
            : undefined,
      })
      .check(
        z.refine(
          (v) => normalizeHostKeyFingerprint(v) !== null,
          'must be SHA256:<base64>, 64 hex digits, or 32 colon-separated hex pairs',
        ),
        z.meta({
          description:
            "the SHA-256 fingerprint of gobgpd's TLS certificate (openssl x509 -noout -fingerprint -sha256); any other certificate is refused before a call is made",
        }),
      ),
    client_certificate: z.optional(
      z.string().check(
        z.maxLength(16_384),
        z.regex(
          /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/,
          'must be a PEM certificate',
        ),
        z.meta({
          description: 'mutual TLS: the certificate peerflow presents (kept in clear, it is public)',
        }),
      ),
    ),
    client_key: z.optional(
      PemPrivateKey.check(
        z.meta({ description: "mutual TLS: the client certificate's private key (encrypted, never shown)" }),
      ),
    ),
    options: GrpcConnectionOptionsSchema,
  })
  .check(
    z.refine((c) => (c.client_certificate === undefined) === (c.client_key === undefined), {
      message: 'give both client_certificate and client_key, or neither',
      path: ['client_key'],
    }),
  );

export const ConnectionInputSchema = z.discriminatedUnion('transport', [
  SshConnectionInputSchema,
  GrpcConnectionInputSchema,
]);
export type ConnectionInput = z.infer<typeof ConnectionInputSchema>;

export const StoredConnectionSchema = z.object({
  router_id: z.string(),
  transport: z.enum(CONNECTION_TRANSPORTS),
  host: z.string(),
  port: z.int(),
  /** SSH only. */
  username: z.optional(z.string()),
  /** `none`: a gRPC connection without a client certificate. */
  secret_kind: z.enum(['password', 'private_key', 'client_key', 'none']),
  secret_ciphertext: z.string(),
  /** SSH: the host key's fingerprint; gRPC: the TLS certificate's. */
  host_key_sha256: z.string(),
  /** gRPC with mutual TLS: the client certificate (public). */
  client_certificate: z.optional(z.string()),
  options: z.object({
    // SSH only: a gRPC connection stores none of these and reads them as their defaults.
    managed_path: z._default(z.string(), ''),
    main_config_path: z._default(z.string(), ''),
    base_path: z._default(z.nullable(z.string()), null),
    control_socket: z._default(z.nullable(z.string()), null),
    sudo: z._default(z.boolean(), false),
    /** gRPC only. */
    api_version: z.optional(z.enum(GOBGP_API_VERSIONS)),
  }),
  created: z.string(),
  modified: z.string(),
  modified_by: z.string(),
});
export type StoredConnection = z.infer<typeof StoredConnectionSchema>;
export type PublicConnection = Omit<StoredConnection, 'secret_ciphertext'>;

/** Everything but the secret; a gRPC connection without the SSH-only fields. */
export function toPublicConnection({
  secret_ciphertext: _secret,
  ...rest
}: StoredConnection): PublicConnection {
  if (rest.transport !== 'grpc') return rest;
  const { username: _user, options, ...grpc } = rest;
  return { ...grpc, options: { api_version: options.api_version } } as PublicConnection;
}

const connectionKey = (routerId: string) => KEYS.routerConnection.key({ router: routerId });

export const connectionsRepository = {
  async get(routerId: string): Promise<StoredConnection | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: connectionKey(routerId), ConsistentRead: true }),
    );
    return out.Item
      ? parseItem(StoredConnectionSchema, 'router connection', withoutKeys(out.Item))
      : undefined;
  },

  /** Writes the connection on the condition that its router exists. False when it does not. */
  async put(connection: StoredConnection): Promise<boolean> {
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName(),
                Key: routerKey(connection.router_id),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: tableName(),
                Item: {
                  ...connectionKey(connection.router_id),
                  entity: KEYS.routerConnection.entity,
                  ...connection,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  },

  async remove(routerId: string): Promise<boolean> {
    const out = await ddb().send(
      new DeleteCommand({ TableName: tableName(), Key: connectionKey(routerId), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  },
};

export async function putConnection(
  routerId: string,
  input: ConnectionInput,
  actor: { email: string },
): Promise<PublicConnection> {
  const router = await getRouter(routerId);
  const allowed = PLATFORM_TRANSPORTS[router.platform] ?? [];
  if (!allowed.includes(input.transport)) {
    const takers = Object.keys(PLATFORM_TRANSPORTS).filter((p) =>
      PLATFORM_TRANSPORTS[p]!.includes(input.transport),
    );
    throw new ValidationError(
      `a ${router.platform} router (${router.hostname}) is reached over ${allowed.length > 0 ? allowed.join(' or ') : 'no transport peerflow has'}, not ${input.transport}, which is for ${takers.join(', ')} routers only`,
      [
        {
          path: 'body.transport',
          message: `must be ${allowed.join(' or ') || 'absent'} for ${router.platform}`,
        },
      ],
    );
  }
  if (input.transport === 'eapi' && input.password === undefined) {
    throw new ValidationError('eAPI logs in with a password', [
      { path: 'body.password', message: 'required for eapi' },
    ]);
  }
  if (input.transport !== 'grpc' && VENDOR_PLATFORMS.has(router.platform) && input.options !== undefined) {
    throw new ValidationError(`a ${router.platform} router takes no daemon options`, [
      { path: 'body.options', message: `not for ${router.platform}: leave it out` },
    ]);
  }
  if (input.transport !== 'grpc' && !VENDOR_PLATFORMS.has(router.platform) && input.options === undefined) {
    throw new ValidationError(`a ${router.platform} connection needs its options`, [
      { path: 'body.options', message: 'required' },
    ]);
  }
  const previous = await connectionsRepository.get(routerId);
  const now = new Date().toISOString();
  const cipher = routerConnectionSecrets();
  const common = {
    router_id: routerId,
    host: input.host,
    port: input.port ?? (input.transport === 'grpc' ? 50051 : DEFAULT_PORTS[input.transport]),
    host_key_sha256: normalizeHostKeyFingerprint(input.host_key_sha256) as string,
    created: previous?.created ?? now,
    modified: now,
    modified_by: actor.email,
  };
  let connection: StoredConnection;
  if (input.transport !== 'grpc') {
    const secret = (input.password ?? input.private_key) as string;
    connection = {
      ...common,
      transport: input.transport,
      username: input.username,
      secret_kind: input.password !== undefined ? 'password' : 'private_key',
      secret_ciphertext: await cipher.encrypt(secret, routerId),
      options: input.options ?? VENDOR_OPTIONS,
    };
  } else {
    connection = StoredConnectionSchema.parse({
      ...common,
      transport: 'grpc',
      secret_kind: input.client_key !== undefined ? 'client_key' : 'none',
      secret_ciphertext:
        input.client_key !== undefined ? await cipher.encrypt(input.client_key, routerId) : '',
      ...(input.client_certificate !== undefined ? { client_certificate: input.client_certificate } : {}),
      options: { api_version: input.options.api_version },
    });
  }
  if (!(await connectionsRepository.put(storedForm(connection))))
    throw new NotFoundError(`No router ${routerId}`);
  return toPublicConnection(connection);
}

/** What is written: a gRPC connection without the SSH-only fields its parsed form defaults. */
function storedForm(connection: StoredConnection): StoredConnection {
  if (connection.transport !== 'grpc') return connection;
  const { username: _user, options, ...rest } = connection;
  return { ...rest, options: { api_version: options.api_version } } as StoredConnection;
}

/**
 * A router with a management connection keeps its platform: the connection's transport and options
 * (files, control socket) were made for that platform's daemon or device. Given to `updateRouter`.
 */
export async function refusePlatformChangeWithConnection(router: StoredRouter, platform: string) {
  if (platform === router.platform) return;
  const connection = await connectionsRepository.get(router.id);
  if (!connection) return;
  const message = `it has a ${connection.transport} connection made for ${router.platform}`;
  throw new ConflictError(
    `Router ${router.hostname} cannot move to ${platform}: ${message}. Delete it (DELETE /routers/${router.id}/connection), change the platform, then put a connection for ${platform}`,
    [{ path: 'body.platform', message }],
  );
}

export async function getConnection(routerId: string): Promise<PublicConnection> {
  const connection = await connectionsRepository.get(routerId);
  if (!connection) throw new NotFoundError(`Router ${routerId} has no management connection`);
  return toPublicConnection(connection);
}

export async function deleteConnection(routerId: string): Promise<void> {
  if (!(await connectionsRepository.remove(routerId))) {
    throw new NotFoundError(`Router ${routerId} has no management connection`);
  }
}

/** The connection with its secret in clear (empty when it has none), for the transport alone. */
export async function connectionWithSecret(routerId: string) {
  const connection = await connectionsRepository.get(routerId);
  if (!connection) return undefined;
  const secret =
    connection.secret_kind === 'none'
      ? ''
      : await routerConnectionSecrets().decrypt(connection.secret_ciphertext, routerId);
  return { connection, secret };
}
