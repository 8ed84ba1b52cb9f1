import type * as z from '../platform/zod';
import type { NetworkDetailSchema, NetworkSummarySchema } from './networks-routes';
import { NotFoundError } from '../platform/errors';
import type { Page } from '../platform/storage/pagination';
import { peeringDb, type Network, portView } from '../peeringdb';
import { contactList, storedContacts } from './network-contacts';

type NetworkSummary = z.infer<typeof NetworkSummarySchema>;
type NetworkDetail = z.infer<typeof NetworkDetailSchema>;

function summary(net: Network): NetworkSummary {
  return {
    participant_id: net.id,
    asn: net.asn,
    name: net.name,
    aka: net.aka,
    website: net.website,
    irr_as_set: net.irr_as_set,
    info_type: net.info_type,
    info_ratio: net.info_ratio,
    info_scope: net.info_scope,
    info_prefixes4: net.info_prefixes4,
    info_prefixes6: net.info_prefixes6,
    policy_general: net.policy_general,
    updated: net.updated,
  };
}

export async function listNetworks(
  search: { asn?: number; name?: string },
  page: { limit: number; cursor?: string },
): Promise<Page<NetworkSummary>> {
  const found = await peeringDb.searchNetworks(search, page);
  return { data: found.data.map(summary), next_cursor: found.next_cursor };
}

export async function getNetworkDetail(participantId: number): Promise<NetworkDetail> {
  const net = await peeringDb.getNetwork(participantId);
  if (!net) throw new NotFoundError(`Network ${participantId} is not in the PeeringDB data`);
  const [contacts, stored, presences] = await Promise.all([
    peeringDb.getNetworkContacts(participantId),
    storedContacts(participantId),
    peeringDb.getNetworkPresences(participantId),
  ]);
  const names = new Map<number, string>();
  await Promise.all(
    [...new Set(presences.map((p) => p.ix_id))].map(async (ixId) => {
      names.set(ixId, (await peeringDb.getExchange(ixId))?.name ?? `exchange ${ixId}`);
    }),
  );
  const { id: _id, ...rest } = net;
  return {
    ...rest,
    ...summary(net),
    contacts: contactList(contacts, stored),
    exchanges: presences
      .sort((a, b) => a.ix_id - b.ix_id || a.id - b.id)
      .map((p) => ({ public_id: p.ix_id, public_name: names.get(p.ix_id) ?? '', ...portView(p) })),
  };
}
