import type { EmailSender } from '../platform/email/email-port';
import { sesSender } from '../platform/email/ses-sender';
import { peeringDb, type PeeringDbReader } from '../peeringdb';
import { ownPresences, storedContacts, type StoredContact } from '../exchanges';
import { getSettings, type Settings } from '../settings';
import type { OwnAddresses } from './common-exchanges';

/** What the request use-cases need from the rest of the system. */
export interface RequestDeps {
  peeringDb: PeeringDbReader;
  settings: () => Promise<Settings>;
  /** Our addresses per exchange, overrides included. */
  ownAddresses: () => Promise<OwnAddresses[]>;
  /** The addresses the operator stored for a peer, beside its PeeringDB contacts. */
  storedContacts: (participantId: number) => Promise<StoredContact[]>;
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
  storedContacts,
  sender: sesSender,
  now: () => new Date(),
};
