import type * as z from '../platform/zod';
import type { Caller } from '../platform/auth/caller';
import { NotFoundError, ValidationError } from '../platform/errors';
import { emailKey } from '../platform/storage/keys';
import { contactView, orderContacts, peeringDb, type Contact } from '../peeringdb';
import type { NetworkContactSchema } from './networks-routes';
import { networkContactsRepository, type StoredContact } from './network-contacts-store';

export type NetworkContact = z.infer<typeof NetworkContactSchema>;

/** The addresses the operator stored for a network (none when it stored none). */
export async function storedContacts(participantId: number): Promise<StoredContact[]> {
  return (await networkContactsRepository.get(participantId))?.contacts ?? [];
}

/** A network's contacts as the API lists them: PeeringDB's in the order they are written to, then the stored ones. */
export function contactList(
  peeringDbContacts: readonly Contact[],
  stored: readonly StoredContact[],
): NetworkContact[] {
  return [
    ...orderContacts(peeringDbContacts).map((c) => ({ ...contactView(c), source: 'peeringdb' as const })),
    ...stored.map((c) => ({
      id: null,
      role: c.role,
      name: c.name,
      email: c.email,
      phone: '',
      url: '',
      source: 'operator' as const,
    })),
  ];
}

async function knownNetwork(participantId: number): Promise<void> {
  if (!(await peeringDb.getNetwork(participantId))) {
    throw new NotFoundError(`Network ${participantId} is not in the PeeringDB data`);
  }
}

export async function listNetworkContacts(participantId: number): Promise<NetworkContact[]> {
  await knownNetwork(participantId);
  const [fromPeeringDb, stored] = await Promise.all([
    peeringDb.getNetworkContacts(participantId),
    storedContacts(participantId),
  ]);
  return contactList(fromPeeringDb, stored);
}

/** Replaces the stored addresses of a network; an empty list removes them. */
export async function putNetworkContacts(
  participantId: number,
  contacts: readonly StoredContact[],
  caller: Caller,
): Promise<NetworkContact[]> {
  await knownNetwork(participantId);
  const seen = new Set<string>();
  contacts.forEach((c, i) => {
    const key = emailKey(c.email);
    if (seen.has(key)) {
      throw new ValidationError('An address is listed twice', [
        { path: `body.contacts.${i}.email`, message: `${c.email} is already in the list` },
      ]);
    }
    seen.add(key);
  });
  const list = contacts.map((c) => ({ email: c.email.trim(), name: c.name.trim(), role: c.role }));
  if (list.length === 0) await networkContactsRepository.remove(participantId);
  else {
    await networkContactsRepository.put({
      participant_id: participantId,
      contacts: list,
      modified: new Date().toISOString(),
      modified_by: caller.email,
    });
  }
  return contactList(await peeringDb.getNetworkContacts(participantId), list);
}

export async function clearNetworkContacts(participantId: number): Promise<void> {
  await knownNetwork(participantId);
  await networkContactsRepository.remove(participantId);
}
