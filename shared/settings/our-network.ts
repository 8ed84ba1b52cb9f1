import * as z from '../platform/zod';
import { peeringDb } from '../peeringdb';
import type { Settings } from './settings-schema';
import { settingsRepository } from './settings-store';

export const OurNetworkSchema = z
  .object({
    found: z.boolean().check(
      z.meta({
        description:
          'Whether the synced PeeringDB data has our network (source_participant_id) with our ASN (source_asn)',
      }),
    ),
    name: z.optional(
      z.string().check(z.meta({ description: "The network's name in PeeringDB, when found" })),
    ),
    reason: z.optional(z.string().check(z.meta({ description: 'Why it was not found' }))),
  })
  .check(z.meta({ id: 'OurNetwork' }));
export type OurNetwork = z.infer<typeof OurNetworkSchema>;

const HOW = 'set source_asn and source_participant_id with PATCH /settings';

/**
 * Whether our network, as the settings name it, is in the PeeringDB data synced: after a move from
 * the demo data to real PeeringDB, the demo's network id names another network (or none).
 */
export async function ourNetworkStatus(
  settings: Pick<Settings, 'source_asn' | 'source_participant_id'>,
): Promise<OurNetwork> {
  const { source_asn: asn, source_participant_id: id } = settings;
  if (asn === null && id === null) return { found: false, reason: `our network is not set: ${HOW}` };
  if (!(await peeringDb.hasData())) return { found: false, reason: 'no PeeringDB data has been synced yet' };
  if (id === null) {
    const network = await peeringDb.getNetworkByAsn(asn as number);
    return network
      ? { found: true, name: network.name }
      : { found: false, reason: `PeeringDB has no network with AS${asn}: ${HOW}` };
  }
  const network = await peeringDb.getNetwork(id);
  if (!network) return { found: false, reason: `PeeringDB has no network ${id}: ${HOW}` };
  if (asn !== null && network.asn !== asn) {
    return {
      found: false,
      reason: `PeeringDB network ${id} is ${network.name} (AS${network.asn}), not AS${asn}: ${HOW}`,
    };
  }
  return { found: true, name: network.name };
}

/** The settings as the API shows them: with whether our network is in the PeeringDB data. */
export async function settingsView(settings: Settings): Promise<Settings & { our_network: OurNetwork }> {
  return { ...settings, our_network: await ourNetworkStatus(settings) };
}

/** The warning `npm start` prints once the data is in when our network is not in it; null when it is. */
export async function ourNetworkWarning(): Promise<string | null> {
  const settings = await settingsRepository.get();
  const status = await ourNetworkStatus({
    source_asn: settings?.source_asn ?? null,
    source_participant_id: settings?.source_participant_id ?? null,
  });
  if (status.found) return null;
  return `warning: our network is not in the PeeringDB data: ${status.reason}`;
}
