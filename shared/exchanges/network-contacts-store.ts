import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';

/** The roles a stored contact may have: the ones a peering request is sent to. */
export const STORED_CONTACT_ROLES = ['Policy', 'Technical', 'NOC'] as const;

/** An address the operator stored for a peer (one PeeringDB does not list, or not yet). */
export const StoredContactSchema = z.object({
  email: z.string(),
  name: z.string(),
  role: z.enum(STORED_CONTACT_ROLES),
});
export type StoredContact = z.infer<typeof StoredContactSchema>;

const StoredContactsSchema = z.object({
  participant_id: z.int(),
  contacts: z.array(StoredContactSchema),
  modified: z.string(),
  modified_by: z.string(),
});
export type StoredContacts = z.infer<typeof StoredContactsSchema>;

const contactsKey = (participantId: number) => KEYS.networkContacts.key({ net: participantId });

export const networkContactsRepository = {
  async get(participantId: number): Promise<StoredContacts | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: contactsKey(participantId) }));
    return out.Item ? parseItem(StoredContactsSchema, 'stored contacts', withoutKeys(out.Item)) : undefined;
  },

  async put(stored: StoredContacts): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...contactsKey(stored.participant_id), entity: KEYS.networkContacts.entity, ...stored },
      }),
    );
  },

  /** Returns whether there were any. */
  async remove(participantId: number): Promise<boolean> {
    const out = await ddb().send(
      new DeleteCommand({ TableName: tableName(), Key: contactsKey(participantId), ReturnValues: 'ALL_OLD' }),
    );
    return out.Attributes !== undefined;
  },
};
