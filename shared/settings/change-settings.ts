import type { SettingsChange, SettingsInput } from './routes';
import { ConflictError, type ErrorDetail, ValidationError } from '../platform/errors';
import { sleep } from '../platform/concurrency';
import { peeringDb } from '../peeringdb';
import { settingsRepository } from './settings-store';
import { putSettings } from './settings';
import { type Settings, SettingsSchema } from './settings-schema';

/*
 * What an admin writes through the API: PUT replaces the settings, PATCH changes some of them; both
 * check our network against PeeringDB. (Apart from settings.ts, which every peering call reads.)
 */

type OwnNetwork = Pick<Settings, 'source_asn' | 'source_participant_id'>;

/**
 * Our network, checked against PeeringDB when its data is there: the participant id must be a
 * network PeeringDB knows and the ASN must be that network's. A participant id alone gets its ASN;
 * an ASN alone gets the id of the network PeeringDB has with it (none when it has none). Without
 * PeeringDB data both are taken as given.
 */
async function checkOwnNetwork(own: OwnNetwork, withPeeringDb: boolean): Promise<OwnNetwork> {
  const { source_asn: asn, source_participant_id: id } = own;
  if (!withPeeringDb || (asn === null && id === null)) return own;
  if (id === null) {
    const network = await peeringDb.getNetworkByAsn(asn as number);
    return { source_asn: asn, source_participant_id: network?.id ?? null };
  }
  const network = await peeringDb.getNetwork(id);
  if (!network) {
    throw new ValidationError('Our network is not in the PeeringDB data', [
      { path: 'body.source_participant_id', message: `PeeringDB has no network ${id}` },
    ]);
  }
  if (asn !== null && asn !== network.asn) {
    const details: ErrorDetail[] = [
      {
        path: 'body.source_asn',
        message: `AS${asn} is not the ASN of PeeringDB network ${id} (${network.name}, AS${network.asn})`,
      },
      {
        path: 'body.source_participant_id',
        message: `PeeringDB network ${id} (${network.name}) is AS${network.asn}, not AS${asn}`,
      },
    ];
    throw new ValidationError('The ASN and the participant id name different networks', details);
  }
  return { source_asn: network.asn, source_participant_id: id };
}

/** PUT /settings: the whole document, our network checked against PeeringDB. */
export async function replaceSettings(input: SettingsInput, user: { email: string }): Promise<Settings> {
  const own = await checkOwnNetwork(
    { source_asn: input.source_asn ?? null, source_participant_id: input.source_participant_id ?? null },
    await peeringDb.hasData(),
  );
  return putSettings({ ...input, ...own }, user);
}

const defined = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * PATCH /settings: the fields given replace the stored ones, and the qualification rules given
 * replace the stored rules one by one. Our ASN and participant id go together: when PeeringDB data
 * is there, giving one of them derives the other from PeeringDB again.
 */
export async function changeSettings(change: SettingsChange, user: { email: string }): Promise<Settings> {
  // Merged over the version read, and stored only if it is still that version: two admins changing
  // different fields at once both keep their change. Another change in between means merging again.
  for (let attempt = 0; attempt < 16; attempt++) {
    const read = await settingsRepository.get();
    const stored = read ?? SettingsSchema.parse({});
    const saved = await putSettings(await merged(stored, change), user, { modified: read?.modified ?? null });
    if (saved) return saved;
    await sleep(Math.random() * 10 * Math.min(attempt + 1, 5));
  }
  throw new ConflictError('The settings keep changing under this change; send it again');
}

async function merged(stored: Settings, change: SettingsChange): Promise<Partial<Settings>> {
  const { qualification, source_asn, source_participant_id, ...rest } = change;
  let own: OwnNetwork = {
    source_asn: stored.source_asn,
    source_participant_id: stored.source_participant_id,
  };
  if (source_asn !== undefined || source_participant_id !== undefined) {
    const withPeeringDb = await peeringDb.hasData();
    // The one left out is derived again from PeeringDB; without its data it stays as stored.
    const other = <T>(storedValue: T) => (withPeeringDb ? null : storedValue);
    own = await checkOwnNetwork(
      {
        source_asn: source_asn !== undefined ? source_asn : other(own.source_asn),
        source_participant_id:
          source_participant_id !== undefined ? source_participant_id : other(own.source_participant_id),
      },
      withPeeringDb,
    );
  }
  const { modified: _modified, ...kept } = stored;
  return {
    ...kept,
    ...defined(rest),
    ...own,
    qualification: { ...stored.qualification, ...defined(qualification ?? {}) },
  };
}
