import { StorageError } from '../platform/storage/errors';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { PLATFORMS } from '../config-render';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import type { Page } from '../platform/storage/pagination';
import { queryAll, queryPage } from '../platform/storage/query';
import { claimUnique, createClaimingUnique, moveUnique } from '../platform/storage/unique-values';
import { allocateNumber, claimNumber, numberStoredItem, releaseNumber } from '../platform/storage/numbers';
import { KEYS } from '../platform/storage/keys';

export const PlatformSchema = z.enum(PLATFORMS);

export const StoredRouterSchema = z.object({
  id: z.string(),
  /** The router's integer id (the v1 API's `resource_id`); null on a router stored before numbers, until migrated. */
  number: z._default(z.nullable(z.int()), null),
  hostname: z.string(),
  platform: PlatformSchema,
  asn: z.int(),
  router_id: z.string(),
  mgmt_address: z.nullable(z.string()),
  /** The router's RPKI validators (RTR): routes are checked against RPKI when there is one. Absent: none. */
  rtr_servers: z.optional(z.array(z.object({ host: z.string(), port: z.int() }))),
  created: z.string(),
  modified: z.string(),
  version: z.int(),
  /** How many sessions point at this router; kept in the sessions' own transactions. */
  session_count: z._default(z.int(), 0),
});
export type StoredRouter = z.infer<typeof StoredRouterSchema>;

export class HostnameTakenError extends StorageError {
  constructor(cause?: unknown) {
    super('hostname already in use', cause);
  }
}

/** The router changed meanwhile (stale version), or it still has sessions when deleting. */
export class RouterConflictError extends StorageError {
  constructor(
    readonly reason: 'stale' | 'in-use',
    cause?: unknown,
  ) {
    super(reason === 'stale' ? 'router changed meanwhile' : 'router has sessions', cause);
  }
}

const ALL_ROUTERS = KEYS.router.keys.gsi1.pk.build({});

export const routerKey = (id: string) => KEYS.router.key({ router: id });
const hostnameKey = (hostname: string) => KEYS.routerHostname.key({ hostname: hostname.toLowerCase() });

function routerItem(router: StoredRouter) {
  return {
    ...routerKey(router.id),
    ...KEYS.router.index('gsi1', { hostname: router.hostname.toLowerCase(), router: router.id }),
    entity: KEYS.router.entity,
    ...router,
  };
}

export const routersRepository = {
  /** A new router's number, taken right before its create. */
  nextNumber(): Promise<number> {
    return allocateNumber('router');
  },

  /** Gives each router stored before numbers one, oldest first. */
  async numberUnnumbered(): Promise<number> {
    const items = await queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': ALL_ROUTERS },
    });
    const all = items.map((item) => parseItem(StoredRouterSchema, 'router', withoutKeys(item)));
    all.sort((a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id));
    let changed = 0;
    for (const r of all) {
      if (r.number === null && (await numberStoredItem('router', routerKey(r.id), r.id, false))) changed += 1;
    }
    return changed;
  },

  async get(id: string, consistent = false): Promise<StoredRouter | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: routerKey(id), ConsistentRead: consistent }),
    );
    return out.Item ? parseItem(StoredRouterSchema, 'router', withoutKeys(out.Item)) : undefined;
  },

  async create(router: StoredRouter): Promise<void> {
    await createClaimingUnique(
      claimUnique(hostnameKey(router.hostname), KEYS.routerHostname.entity, { router_id: router.id }),
      routerItem(router),
      () => new HostnameTakenError(),
      router.number !== null ? [claimNumber('router', router.number, router.id)] : [],
    );
  },

  /**
   * Writes the changed fields only (never `session_count`, which session writes move concurrently),
   * on the condition that nobody changed the router since `current` was read.
   */
  async update(current: StoredRouter, next: StoredRouter): Promise<void> {
    const hostnameChanged = current.hostname.toLowerCase() !== next.hostname.toLowerCase();
    // The number is the router's for good: a change read before the router had one leaves it alone.
    const { pk: _pk, sk: _sk, session_count: _count, number: _number, ...fields } = routerItem(next);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':v': current.version };
    const sets = Object.entries(fields).map(([k, v], i) => {
      names[`#f${i}`] = k;
      values[`:f${i}`] = v;
      return `#f${i} = :f${i}`;
    });
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName(),
                Key: routerKey(next.id),
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: 'attribute_exists(pk) AND version = :v',
                ExpressionAttributeNames: names,
                ExpressionAttributeValues: values,
              },
            },
            ...(hostnameChanged
              ? moveUnique(
                  hostnameKey(current.hostname),
                  hostnameKey(next.hostname),
                  KEYS.routerHostname.entity,
                  {
                    router_id: next.id,
                  },
                )
              : []),
          ],
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new HostnameTakenError(err);
      throw new RouterConflictError('stale', err);
    }
  },

  /** Deletes only a router no session points at; the count is checked in the same write. */
  async remove(router: StoredRouter): Promise<void> {
    try {
      await ddb().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: tableName(),
                Key: routerKey(router.id),
                ConditionExpression:
                  'attribute_exists(pk) AND (attribute_not_exists(session_count) OR session_count = :zero)',
                ExpressionAttributeValues: { ':zero': 0 },
              },
            },
            { Delete: { TableName: tableName(), Key: hostnameKey(router.hostname) } },
            // Its management connection (and the secret in it) goes with it.
            { Delete: { TableName: tableName(), Key: KEYS.routerConnection.key({ router: router.id }) } },
            ...(router.number !== null ? [releaseNumber('router', router.number)] : []),
          ],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new RouterConflictError('in-use', err);
      throw err;
    }
  },

  list(limit: number, cursor?: string): Promise<Page<StoredRouter>> {
    return queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': ALL_ROUTERS },
      },
      { limit, cursor },
      { attribute: 'gsi1pk', value: ALL_ROUTERS },
      (item) => parseItem(StoredRouterSchema, 'router', withoutKeys(item)),
    );
  },
};
