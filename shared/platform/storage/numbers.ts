import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { isConditionFailure, type TransactItem } from './items';
import { KEYS } from './keys';

/**
 * Integer numbers for items whose id is a UUID (the v1 API's clients keep ids in integer columns).
 * Each kind has a counter item, raised by one atomic ADD per number: a number is given once per
 * deployment and never again, even when its item is deleted or its write fails (that leaves a gap).
 * A claim item per number, written in the item's own transaction, leads from the number to the item.
 */
export type NumberedKind = 'session' | 'router' | 'request';

const counterKey = (kind: NumberedKind) => KEYS.numberCounter.key({ kind });
const claimKey = (kind: NumberedKind, number: number) => KEYS.numberClaim.key({ kind, number });

/** The next number of the kind: one more than any given before, whoever asks at the same moment. */
export async function allocateNumber(kind: NumberedKind): Promise<number> {
  const out = await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: counterKey(kind),
      UpdateExpression: 'SET entity = :entity ADD last_number :one',
      ExpressionAttributeValues: { ':entity': KEYS.numberCounter.entity, ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const value = out.Attributes?.last_number;
  if (typeof value !== 'number') throw new Error(`counter of ${kind} numbers answered no number`);
  return value;
}

/** The claim of `number` for the item `id`, for the item's create transaction; refused when taken. */
export function claimNumber(kind: NumberedKind, number: number, id: string): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...claimKey(kind, number), entity: KEYS.numberClaim.entity, kind, item_id: id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Removes the claim with the item; the counter stays, so the number is not given again. */
export function releaseNumber(kind: NumberedKind, number: number): TransactItem {
  return { Delete: { TableName: tableName(), Key: claimKey(kind, number) } };
}

/** The id of the item of this kind that holds `number`, if any. */
export async function itemIdOfNumber(kind: NumberedKind, number: number): Promise<string | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName(), Key: claimKey(kind, number), ConsistentRead: true }),
  );
  const id = out.Item?.item_id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Gives an item stored before numbers the next number of its kind, with its claim, for a stored-data
 * migration. With `bumpVersion`, the item's `version` goes up too, so that a change based on the item
 * as read before fails as stale instead of writing it back without its number. False when the item
 * has a number already (another runner was first) or is gone: the number taken stays unused.
 */
export async function numberStoredItem(
  kind: NumberedKind,
  key: { pk: string; sk: string },
  id: string,
  bumpVersion: boolean,
): Promise<boolean> {
  const number = await allocateNumber(kind);
  try {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: tableName(),
              Key: key,
              UpdateExpression: `SET #number = :n${bumpVersion ? ' ADD version :one' : ''}`,
              ConditionExpression:
                'attribute_exists(pk) AND (attribute_not_exists(#number) OR attribute_type(#number, :null))',
              ExpressionAttributeNames: { '#number': 'number' },
              ExpressionAttributeValues: {
                ':n': number,
                ':null': 'NULL',
                ...(bumpVersion ? { ':one': 1 } : {}),
              },
            },
          },
          claimNumber(kind, number, id),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}
