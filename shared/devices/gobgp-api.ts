/**
 * The part of GoBGP's gRPC API peerflow uses, written as the JSON form of a .proto file (what
 * @grpc/proto-loader's `fromJSON` takes): a .proto file read at run time would have to travel
 * beside the bundle, a module travels inside it.
 *
 * Field numbers and names are GoBGP's (api/gobgp.proto). The two majors peerflow knows carry the
 * same messages for what it uses, under another package and service name: GoBGP 3 `apipb.GobgpApi`,
 * GoBGP 4 `api.GoBgpService`. Their enums differ in names and, for some, numbers (v4 added an
 * UNSPECIFIED zero to AdminState and DefinedType), so enum fields are declared `int32` here (an enum
 * is a varint on the wire) and `GOBGP_ENUMS` gives the numbers of each major.
 */

export const GOBGP_API_VERSIONS = ['v3', 'v4'] as const;
export type GobgpApiVersion = (typeof GOBGP_API_VERSIONS)[number];

/** The gRPC service of each major, as `package.Service`. */
export const GOBGP_SERVICES: Record<GobgpApiVersion, { pkg: string; service: string }> = {
  v3: { pkg: 'apipb', service: 'GobgpApi' },
  v4: { pkg: 'api', service: 'GoBgpService' },
};

/** The enum numbers peerflow sends or reads, per major. */
export const GOBGP_ENUMS: Record<
  GobgpApiVersion,
  {
    readonly afi: { readonly ipv4: number; readonly ipv6: number };
    readonly safiUnicast: number;
    /** PeerState.SessionState, by number. */
    readonly sessionStates: Readonly<Record<number, string>>;
    /** PeerState.AdminState values meaning the neighbor is shut (DOWN, PFX_CT). */
    readonly adminDown: readonly number[];
    readonly definedType: { readonly neighbor: number; readonly asPath: number };
    readonly direction: { readonly import: number; readonly export: number };
    readonly routeAction: { readonly none: number; readonly accept: number; readonly reject: number };
  }
> = {
  v3: {
    afi: { ipv4: 1, ipv6: 2 },
    safiUnicast: 1,
    sessionStates: {
      0: 'idle',
      1: 'idle',
      2: 'connect',
      3: 'active',
      4: 'opensent',
      5: 'openconfirm',
      6: 'established',
    },
    adminDown: [1, 2],
    definedType: { neighbor: 1, asPath: 3 },
    direction: { import: 1, export: 2 },
    routeAction: { none: 0, accept: 1, reject: 2 },
  },
  v4: {
    afi: { ipv4: 1, ipv6: 2 },
    safiUnicast: 1,
    sessionStates: {
      0: 'idle',
      1: 'idle',
      2: 'connect',
      3: 'active',
      4: 'opensent',
      5: 'openconfirm',
      6: 'established',
    },
    adminDown: [2, 3],
    definedType: { neighbor: 2, asPath: 4 },
    direction: { import: 1, export: 2 },
    routeAction: { none: 0, accept: 1, reject: 2 },
  },
};

type FieldSpec = readonly [id: number, type: string, rule?: 'repeated'];

/** Each message: field name -> [number, type]. Only the fields peerflow reads or writes. */
const MESSAGES: Record<string, Record<string, FieldSpec>> = {
  Empty: {},
  Global: { asn: [1, 'uint32'], router_id: [2, 'string'] },
  GetBgpRequest: {},
  GetBgpResponse: { global: [1, 'Global'] },

  Family: { afi: [1, 'int32'], safi: [2, 'int32'] },
  AfiSafiConfig: { family: [1, 'Family'], enabled: [2, 'bool'] },
  AfiSafiState: {
    family: [1, 'Family'],
    enabled: [2, 'bool'],
    received: [3, 'uint64'],
    accepted: [4, 'uint64'],
  },
  PrefixLimit: { family: [1, 'Family'], max_prefixes: [2, 'uint32'] },
  AfiSafi: { config: [2, 'AfiSafiConfig'], state: [3, 'AfiSafiState'], prefix_limits: [7, 'PrefixLimit'] },

  PeerConf: {
    auth_password: [1, 'string'],
    description: [2, 'string'],
    local_asn: [3, 'uint32'],
    neighbor_address: [4, 'string'],
    peer_asn: [5, 'uint32'],
  },
  PeerState: {
    neighbor_address: [5, 'string'],
    peer_asn: [6, 'uint32'],
    session_state: [13, 'int32'],
    admin_state: [15, 'int32'],
  },
  EbgpMultihop: { enabled: [1, 'bool'], multihop_ttl: [2, 'uint32'] },
  Transport: { local_address: [1, 'string'] },
  Peer: {
    conf: [2, 'PeerConf'],
    ebgp_multihop: [3, 'EbgpMultihop'],
    state: [5, 'PeerState'],
    transport: [7, 'Transport'],
    afi_safis: [10, 'AfiSafi', 'repeated'],
  },

  AddPeerRequest: { peer: [1, 'Peer'] },
  DeletePeerRequest: { address: [1, 'string'] },
  ListPeerRequest: { address: [1, 'string'] },
  ListPeerResponse: { peer: [1, 'Peer'] },
  UpdatePeerRequest: { peer: [1, 'Peer'], do_soft_reset_in: [2, 'bool'] },
  UpdatePeerResponse: { needs_soft_reset_in: [1, 'bool'] },

  DefinedSet: { defined_type: [1, 'int32'], name: [2, 'string'], list: [3, 'string', 'repeated'] },
  AddDefinedSetRequest: { defined_set: [1, 'DefinedSet'] },
  DeleteDefinedSetRequest: { defined_set: [1, 'DefinedSet'], all: [2, 'bool'] },
  ListDefinedSetRequest: { defined_type: [1, 'int32'], name: [2, 'string'] },
  ListDefinedSetResponse: { defined_set: [1, 'DefinedSet'] },

  Policy: { name: [1, 'string'] },
  ListPolicyRequest: { name: [1, 'string'] },
  ListPolicyResponse: { policy: [1, 'Policy'] },
  PolicyAssignment: {
    name: [1, 'string'],
    direction: [2, 'int32'],
    policies: [4, 'Policy', 'repeated'],
    default_action: [5, 'int32'],
  },
  ListPolicyAssignmentRequest: { name: [1, 'string'], direction: [2, 'int32'] },
  ListPolicyAssignmentResponse: { assignment: [1, 'PolicyAssignment'] },
  SetPolicyAssignmentRequest: { assignment: [1, 'PolicyAssignment'] },
};

/** Each call: [request, response, whether the server streams its answer]. */
const METHODS = {
  GetBgp: ['GetBgpRequest', 'GetBgpResponse', false],
  ListPeer: ['ListPeerRequest', 'ListPeerResponse', true],
  AddPeer: ['AddPeerRequest', 'Empty', false],
  DeletePeer: ['DeletePeerRequest', 'Empty', false],
  UpdatePeer: ['UpdatePeerRequest', 'UpdatePeerResponse', false],
  ListDefinedSet: ['ListDefinedSetRequest', 'ListDefinedSetResponse', true],
  AddDefinedSet: ['AddDefinedSetRequest', 'Empty', false],
  DeleteDefinedSet: ['DeleteDefinedSetRequest', 'Empty', false],
  ListPolicy: ['ListPolicyRequest', 'ListPolicyResponse', true],
  ListPolicyAssignment: ['ListPolicyAssignmentRequest', 'ListPolicyAssignmentResponse', true],
  SetPolicyAssignment: ['SetPolicyAssignmentRequest', 'Empty', false],
} as const satisfies Record<string, readonly [string, string, boolean]>;

export type GobgpMethod = keyof typeof METHODS;
export type GobgpStreamMethod = {
  [K in GobgpMethod]: (typeof METHODS)[K][2] extends true ? K : never;
}[GobgpMethod];
export type GobgpUnaryMethod = Exclude<GobgpMethod, GobgpStreamMethod>;

/** The JSON descriptor (protobufjs's form) of the API subset, under `version`'s package and service. */
export function gobgpApiDescriptor(version: GobgpApiVersion): Record<string, unknown> {
  const { pkg, service } = GOBGP_SERVICES[version];
  const nested: Record<string, unknown> = {};
  for (const [name, fields] of Object.entries(MESSAGES)) {
    nested[name] = {
      fields: Object.fromEntries(
        Object.entries(fields).map(([field, [id, type, rule]]) => [
          field,
          rule ? { id, type, rule } : { id, type },
        ]),
      ),
    };
  }
  nested[service] = {
    methods: Object.fromEntries(
      Object.entries(METHODS).map(([method, [requestType, responseType, stream]]) => [
        method,
        stream ? { requestType, responseType, responseStream: true } : { requestType, responseType },
      ]),
    ),
  };
  return { nested: { [pkg]: { nested } } };
}

/** Whether a call answers as a stream. */
export const isStreamMethod = (method: GobgpMethod) => METHODS[method][2];
