import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { ddbClient, tableName } from './client';
import { KEYS } from './keys';
import { TABLE_KEYS, TTL_ATTRIBUTE } from './table';

/** How long an Idempotency-Key and the first answer to it are kept: a retry within this answers the same. */
export const IDEMPOTENCY_KEEP_SECONDS = 24 * 60 * 60;

/**
 * The text Powertools puts before the hash in the sort key (`KEY#<hash>`), taken from the key map
 * so that the records it writes have the shape `keys.ts` declares.
 */
export const IDEMPOTENCY_KEY_PREFIX = KEYS.idempotencyRecord.keys.table.sk.prefix().replace(/#$/, '');

const layers = new Map<string, DynamoDBPersistenceLayer>();

/**
 * Where one route's keys are kept: in the one table, under `IDEMPOTENCY#<route>`, expiring through
 * the table's TTL attribute. One layer per route, since Powertools configures a layer once and
 * keeps its key prefix on it: a process serving several routes (the v1 gateway, the local server)
 * must not share one.
 */
export function idempotencyPersistence(route: string): DynamoDBPersistenceLayer {
  let layer = layers.get(route);
  if (!layer) {
    layer = new DynamoDBPersistenceLayer({
      tableName: tableName(),
      awsSdkV3Client: ddbClient(),
      keyAttr: TABLE_KEYS.partitionKey,
      sortKeyAttr: TABLE_KEYS.sortKey,
      staticPkValue: KEYS.idempotencyRecord.keys.table.pk.build({ route }),
      expiryAttr: TTL_ATTRIBUTE,
    });
    layers.set(route, layer);
  }
  return layer;
}
