import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client';
import { isConditionFailure, type TransactItem } from './items';

type Key = { pk: string; sk: string };

/**
 * DynamoDB has no unique index, so a value that must be unique (a user's email, a router's hostname)
 * is an item of its own, written in the owner's transaction and only where no such item exists.
 */
export function claimUnique(key: Key, entity: string, owner: Record<string, string>): TransactItem {
  return {
    Put: {
      TableName: tableName(),
      Item: { ...key, entity, ...owner },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The new value's claim comes first: a caller may tell by position which condition refused the write. */
export function moveUnique(
  from: Key,
  to: Key,
  entity: string,
  owner: Record<string, string>,
): TransactItem[] {
  return [claimUnique(to, entity, owner), { Delete: { TableName: tableName(), Key: from } }];
}

/**
 * A new item and the claim of its unique value, both or neither (with `extra` writes of its own);
 * `taken` is what a refusal throws.
 */
export async function createClaimingUnique(
  claim: TransactItem,
  item: Record<string, unknown>,
  taken: () => Error,
  extra: TransactItem[] = [],
): Promise<void> {
  try {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          claim,
          { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
          ...extra,
        ],
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) throw taken();
    throw err;
  }
}
