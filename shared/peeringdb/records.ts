import * as z from '../platform/zod';
import { ContactSchema, ExchangeSchema, NetworkSchema, PresenceSchema } from './model';
import type { PEERINGDB_TYPES } from '../platform/storage/keys';

/**
 * PeeringDB API records are untrusted input: each is parsed here, and whatever does not parse is
 * skipped and counted by the sync. Fields the domain does not need are dropped; fields that older
 * PeeringDB versions lack get the value PeeringDB itself uses as default.
 */
export const OBJECT_TYPES = [
  'org',
  'fac',
  'ix',
  'ixlan',
  'ixpfx',
  'ixfac',
  'net',
  'poc',
  'netfac',
  'netixlan',
] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

// The table has a key format for each type the sync stores, and for no other (checked when compiled).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _typesHaveKeys: Same<ObjectType, (typeof PEERINGDB_TYPES)[number]> = true;

const text = (max = 4096) =>
  z.pipe(
    z.nullish(z.string().check(z.maxLength(max))),
    z.transform((v) => v ?? ''),
  );
const flag = (fallback: boolean) =>
  z.pipe(
    z.nullish(z.boolean()),
    z.transform((v) => v ?? fallback),
  );
const id = z.int().check(z.gte(1), z.lte(2_147_483_647));
const optionalId = z.pipe(
  z.nullish(id),
  z.transform((v) => v ?? null),
);
const count = z.pipe(
  z.nullish(z.number().check(z.integer(), z.gte(0))),
  z.transform((v) => v ?? null),
);
const stamp = z.iso.datetime({ offset: true });

/** Every record: its id, its status (deleted ones are removed) and its change stamp. */
const Envelope = z.object({
  id,
  status: z._default(z.string().check(z.maxLength(32)), 'ok'),
  updated: stamp,
});

const OrgRecord = z.extend(Envelope, {
  name: text(500),
  website: text(),
  city: text(),
  country: text(8),
});
const FacRecord = z.extend(Envelope, {
  org_id: optionalId,
  name: text(500),
  city: text(),
  country: text(8),
  region_continent: text(),
});
const IxRecord = z.extend(Envelope, {
  org_id: optionalId,
  name: text(500),
  name_long: text(),
  city: text(),
  country: text(8),
  region_continent: text(),
  media: text(),
  website: text(),
  tech_email: text(),
  policy_email: text(),
  proto_unicast: flag(true),
  proto_ipv6: flag(false),
  created: stamp,
});
const IxlanRecord = z.extend(Envelope, {
  ix_id: id,
  name: text(),
  mtu: count,
  /** The ASN of the exchange's route servers; PeeringDB gives 0 when none is set. */
  rs_asn: z.pipe(
    z.nullish(z.int().check(z.gte(0), z.lte(4_294_967_295))),
    z.transform((v) => v || null),
  ),
});
const IxpfxRecord = z.extend(Envelope, {
  ixlan_id: id,
  protocol: z.enum(['IPv4', 'IPv6']),
  prefix: z.string().check(z.minLength(1), z.maxLength(64)),
  in_dfz: flag(true),
});
const IxfacRecord = z.extend(Envelope, {
  ix_id: id,
  fac_id: id,
  name: text(500),
  city: text(),
  country: text(8),
});
const NetRecord = z.extend(Envelope, {
  org_id: optionalId,
  asn: z.int().check(z.gte(0), z.lte(4_294_967_295)),
  name: text(500),
  aka: text(),
  name_long: text(),
  website: text(),
  irr_as_set: text(),
  info_traffic: text(),
  info_ratio: text(),
  info_scope: text(),
  info_type: text(),
  /**
   * PeeringDB's newer multiple choice of types, beside the single `info_type` it still fills. Bounds
   * far above PeeringDB's dozen types: a record is skipped when a field does not parse.
   */
  info_types: z.pipe(
    z.nullish(z.array(z.string().check(z.maxLength(200))).check(z.maxLength(64))),
    z.transform((v) => v ?? []),
  ),
  info_prefixes4: count,
  info_prefixes6: count,
  info_unicast: flag(true),
  info_multicast: flag(false),
  info_ipv6: flag(false),
  looking_glass: text(),
  route_server: text(),
  notes: text(20_000),
  policy_url: text(),
  policy_general: text(),
  policy_locations: text(),
  policy_ratio: flag(false),
  policy_contracts: text(),
  created: stamp,
});
const PocRecord = z.extend(Envelope, {
  net_id: id,
  role: text(64),
  name: text(500),
  email: text(),
  phone: text(),
  url: text(),
  visible: text(32),
});
const NetfacRecord = z.extend(Envelope, {
  net_id: id,
  fac_id: id,
  local_asn: z.pipe(
    z.nullish(z.number().check(z.integer(), z.gte(0))),
    z.transform((v) => v ?? null),
  ),
  name: text(500),
  city: text(),
  country: text(8),
});
const NetixlanRecord = z.extend(Envelope, {
  net_id: id,
  ix_id: id,
  ixlan_id: id,
  asn: z.int().check(z.gte(0), z.lte(4_294_967_295)),
  ipaddr4: z.pipe(
    z.nullish(z.string().check(z.maxLength(64))),
    z.transform((v) => v || null),
  ),
  ipaddr6: z.pipe(
    z.nullish(z.string().check(z.maxLength(128))),
    z.transform((v) => v || null),
  ),
  speed: z.pipe(
    z.nullish(z.number().check(z.integer(), z.gte(0))),
    z.transform((v) => v ?? 0),
  ),
  is_rs_peer: flag(false),
  operational: flag(true),
  created: stamp,
});

export const RECORD_SCHEMAS = {
  org: OrgRecord,
  fac: FacRecord,
  ix: IxRecord,
  ixlan: IxlanRecord,
  ixpfx: IxpfxRecord,
  ixfac: IxfacRecord,
  net: NetRecord,
  poc: PocRecord,
  netfac: NetfacRecord,
  netixlan: NetixlanRecord,
} satisfies Record<ObjectType, z.ZodMiniType>;

export type RecordOf<T extends ObjectType> = z.infer<(typeof RECORD_SCHEMAS)[T]>;

/** Stored shapes of the types the read model does not declare. */
export const OrgSchema = z.object({
  id: z.int(),
  name: z.string(),
  website: z.string(),
  city: z.string(),
  country: z.string(),
  updated: z.string(),
});
export const FacilitySchema = z.object({
  id: z.int(),
  org_id: z.nullable(z.int()),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  region_continent: z.string(),
  updated: z.string(),
});
export const ExchangeLanSchema = z.object({
  id: z.int(),
  ix_id: z.int(),
  name: z.string(),
  mtu: z.nullable(z.int()),
  /** Stored since route servers are marked; older items have none. */
  rs_asn: z._default(z.nullable(z.int()), null),
  updated: z.string(),
});
export const ExchangeFacilitySchema = z.object({
  id: z.int(),
  ix_id: z.int(),
  fac_id: z.int(),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  updated: z.string(),
});
export type ExchangeFacility = z.infer<typeof ExchangeFacilitySchema>;
export const NetworkFacilitySchema = z.object({
  id: z.int(),
  net_id: z.int(),
  fac_id: z.int(),
  local_asn: z.nullable(z.int()),
  name: z.string(),
  city: z.string(),
  country: z.string(),
  updated: z.string(),
});

/** The stored object of each type: zod output keeps the schema's key order, so hashes are stable. */
export const STORED_SCHEMAS = {
  org: OrgSchema,
  fac: FacilitySchema,
  ix: ExchangeSchema,
  ixlan: ExchangeLanSchema,
  ixpfx: z.object({
    id: z.int(),
    ixlan_id: z.int(),
    /** Resolved by the sync through the ixlan; null while that ixlan is unknown. */
    ix_id: z.nullable(z.int()),
    protocol: z.enum(['IPv4', 'IPv6']),
    prefix: z.string(),
    in_dfz: z.boolean(),
    updated: z.string(),
  }),
  ixfac: ExchangeFacilitySchema,
  net: NetworkSchema,
  poc: ContactSchema,
  netfac: NetworkFacilitySchema,
  netixlan: PresenceSchema,
} satisfies Record<ObjectType, z.ZodMiniType>;

export type StoredOf<T extends ObjectType> = z.infer<(typeof STORED_SCHEMAS)[T]>;

export type ParsedRecord =
  | { ok: true; deleted: boolean; id: number; object: Record<string, unknown> }
  | { ok: false; id: number | null; reason: string };

/** Parse one API record into the object we store (or a deletion); never throws. */
export function parseRecord(type: ObjectType, raw: unknown): ParsedRecord {
  const rawId = (raw as { id?: unknown } | null)?.id;
  const knownId = typeof rawId === 'number' ? rawId : null;
  const status = (raw as { status?: unknown } | null)?.status;
  if (status === 'deleted' && knownId !== null) {
    // A deletion only needs its id; PeeringDB may blank the rest.
    const parsed = RECORD_SCHEMAS[type].safeParse(raw);
    return { ok: true, deleted: true, id: knownId, object: parsed.success ? parsed.data : { id: knownId } };
  }
  const parsed = RECORD_SCHEMAS[type].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      id: knownId,
      reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const stored = STORED_SCHEMAS[type].safeParse({ ix_id: null, ...parsed.data });
  if (!stored.success)
    return { ok: false, id: knownId, reason: stored.error.issues[0]?.message ?? 'invalid' };
  return {
    ok: true,
    deleted: parsed.data.status === 'deleted',
    id: parsed.data.id,
    object: stored.data as Record<string, unknown>,
  };
}
