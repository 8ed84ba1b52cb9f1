import { peeringDb, type Presence } from '../peeringdb';
import { type PresenceOverride, presenceOverridesRepository } from './presence-store';
import { normalizeIp } from '../kernel';
import { getSettings } from '../settings';

/** Where the operator is present, with its own addresses there. */
export interface OwnPresence {
  public_id: number;
  public_name: string;
  ipaddr4: string[];
  ipaddr6: string[];
  router_id: string | null;
  source: 'peeringdb' | 'override';
}

interface Derived {
  ipaddr4: string[];
  ipaddr6: string[];
}

/** The operator's own netixlan rows (settings.source_participant_id), per exchange. */
async function fromPeeringDb(): Promise<Map<number, Derived>> {
  const { source_participant_id: ownNet } = await getSettings();
  const byExchange = new Map<number, Derived>();
  if (ownNet === null) return byExchange;
  const rows: Presence[] = await peeringDb.getNetworkPresences(ownNet);
  for (const row of rows.sort((a, b) => a.id - b.id)) {
    const at = byExchange.get(row.ix_id) ?? { ipaddr4: [], ipaddr6: [] };
    const v4 = row.ipaddr4 ? normalizeIp(row.ipaddr4) : null;
    const v6 = row.ipaddr6 ? normalizeIp(row.ipaddr6) : null;
    if (v4 && !at.ipaddr4.includes(v4)) at.ipaddr4.push(v4);
    if (v6 && !at.ipaddr6.includes(v6)) at.ipaddr6.push(v6);
    byExchange.set(row.ix_id, at);
  }
  return byExchange;
}

/** An override replaces the fields it names; the others stay as PeeringDB has them. */
function merge(
  publicId: number,
  publicName: string,
  derived: Derived | undefined,
  override: PresenceOverride | undefined,
): OwnPresence {
  return {
    public_id: publicId,
    public_name: publicName,
    ipaddr4: override?.ipaddr4 ?? derived?.ipaddr4 ?? [],
    ipaddr6: override?.ipaddr6 ?? derived?.ipaddr6 ?? [],
    router_id: override?.router_id ?? null,
    source: override ? 'override' : 'peeringdb',
  };
}

async function exchangeName(publicId: number): Promise<string> {
  return (await peeringDb.getExchange(publicId))?.name ?? `exchange ${publicId}`;
}

/** Every exchange the operator is present at, ordered by public_id. */
export async function ownPresences(): Promise<OwnPresence[]> {
  const [derived, overrides] = await Promise.all([fromPeeringDb(), presenceOverridesRepository.list()]);
  const overrideOf = new Map(overrides.map((o) => [o.public_id, o]));
  const ids = [...new Set([...derived.keys(), ...overrideOf.keys()])].sort((a, b) => a - b);
  return Promise.all(
    ids.map(async (id) => merge(id, await exchangeName(id), derived.get(id), overrideOf.get(id))),
  );
}

/** The operator's presence at one exchange, or undefined when it is not present there. */
export async function ownPresence(publicId: number): Promise<OwnPresence | undefined> {
  const [derived, override] = await Promise.all([fromPeeringDb(), presenceOverridesRepository.get(publicId)]);
  const own = derived.get(publicId);
  if (!own && !override) return undefined;
  return merge(publicId, await exchangeName(publicId), own, override);
}
