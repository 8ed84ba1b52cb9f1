import type { EmailSender } from '../platform/email/email-port';
import { sesSender } from '../platform/email/ses-sender';
import { peeringDb } from '../peeringdb/peeringdb-store';
import { ownPresences } from '../exchanges/own-presence';
import type { PeeringDbReader } from '../peeringdb/model';
import { getSettings } from '../settings/settings';
import type { Settings } from '../settings/settings-schema';
import type { OwnAddresses } from './common-exchanges';

/** What the request use-cases need from the rest of the system. */
export interface RequestDeps {
  peeringDb: PeeringDbReader;
  settings: () => Promise<Settings>;
  /** Our addresses per exchange, overrides included. */
  ownAddresses: () => Promise<OwnAddresses[]>;
  sender: EmailSender;
  now: () => Date;
}

export const requestDeps: RequestDeps = {
  peeringDb,
  settings: getSettings,
  ownAddresses: async () =>
    (await ownPresences()).map((p) => ({
      public_id: p.public_id,
      public_name: p.public_name,
      ipv4: p.ipaddr4,
      ipv6: p.ipaddr6,
    })),
  sender: sesSender,
  now: () => new Date(),
};
