import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from '../platform/zod';
import { ddb, tableName } from '../platform/storage/client';
import { isConditionFailure, parseItem, withoutKeys } from '../platform/storage/items';
import { KEYS } from '../platform/storage/keys';
import { queryPage } from '../platform/storage/query';
import type { Page } from '../platform/storage/pagination';
import { StorageError } from '../platform/storage/errors';
import { TTL_ATTRIBUTE } from '../platform/storage/table';

export const DEPLOYMENT_STATUSES = [
  'pending',
  'validating',
  'applying',
  'verifying',
  'succeeded',
  'rolled_back',
  'failed',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];
export const FINAL_STATUSES: readonly DeploymentStatus[] = ['succeeded', 'rolled_back', 'failed'];

/** A command run on the device, as recorded: secrets masked, output cut to a size a record holds. */
const CommandRecord = z.object({ command: z.string(), exit_code: z.int(), output: z.string() });

const StepRecord = z.object({
  name: z.string(),
  status: z.enum(['ok', 'failed']),
  started: z.string(),
  finished: z.string(),
  detail: z.nullable(z.string()),
  commands: z.array(CommandRecord),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const SESSION_CHANGES = ['added', 'changed', 'unchanged', 'removed'] as const;
export const SESSION_OUTCOMES = ['established', 'not_established', 'unchanged', 'removed'] as const;

const SessionRecord = z.object({
  session_id: z.nullable(z.string()),
  number: z.nullable(z.int()),
  peer_ipaddr: z.string(),
  change: z.enum(SESSION_CHANGES),
  fingerprint: z.nullable(z.string()),
  /** The neighbor's state on the router before the change; null when it had none. */
  state_before: z.nullable(z.string()),
  state_after: z.nullable(z.string()),
  outcome: z.nullable(z.enum(SESSION_OUTCOMES)),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

export const StoredDeploymentSchema = z.object({
  id: z.string(),
  router_id: z.string(),
  hostname: z.string(),
  status: z.enum(DEPLOYMENT_STATUSES),
  dry_run: z.boolean(),
  confirm_seconds: z.int(),
  verify_seconds: z.int(),
  require_established: z.boolean(),
  /** What asked for it: the API, or a session's configure or delete. */
  trigger: z.string(),
  /** The sessions whose change started it (configure, delete): their peer logs get the outcome. */
  session_ids: z.array(z.string()),
  /** Sessions this deployment takes off the router; deleted once it succeeds. */
  remove_session_ids: z._default(z.array(z.string()), []),
  /** A one-time config an operator wrote, delivered instead of the rendered one. */
  custom_config: z.nullable(z.string()),
  requested_by: z.string(),
  created: z.string(),
  modified: z.string(),
  finished: z.nullable(z.string()),
  identity: z.nullable(z.object({ router_id: z.string(), asn: z.nullable(z.int()), version: z.string() })),
  config_sha256: z.nullable(z.string()),
  diff: z.nullable(z.string()),
  sessions: z.array(SessionRecord),
  steps: z.array(StepRecord),
  /** Why it ended as it did, in one sentence, when not `succeeded`. */
  reason: z.nullable(z.string()),
  verify_until: z.nullable(z.string()),
  /** How it ends, once decided: the final status is written after the sessions are settled. */
  ending: z._default(z.nullable(z.enum(['succeeded', 'rolled_back', 'failed'])), null),
  /** Since when every session the change touches has been as it must be (verification ends early). */
  settled_since: z._default(z.nullable(z.string()), null),
  version: z.int(),
});
export type StoredDeployment = z.infer<typeof StoredDeploymentSchema>;

export class StaleDeploymentError extends StorageError {
  constructor(cause?: unknown) {
    super('deployment changed meanwhile', cause);
  }
}

const deploymentKey = (id: string) => KEYS.deployment.key({ deployment: id });
const leaseKey = (routerId: string) => KEYS.deploymentLease.key({ router: routerId });
const BY_ROUTER = KEYS.deployment.keys.gsi1;

function deploymentItem(d: StoredDeployment) {
  return {
    ...deploymentKey(d.id),
    ...KEYS.deployment.index('gsi1', { router: d.router_id, created: d.created, deployment: d.id }),
    entity: KEYS.deployment.entity,
    ...d,
  };
}

export const deploymentsRepository = {
  async get(id: string): Promise<StoredDeployment | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: deploymentKey(id), ConsistentRead: true }),
    );
    return out.Item ? parseItem(StoredDeploymentSchema, 'deployment', withoutKeys(out.Item)) : undefined;
  },

  async create(d: StoredDeployment): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: deploymentItem(d),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  },

  /** Writes `next` if the stored deployment is still at `expected` (one writer advances it). */
  async save(next: StoredDeployment, expected: number): Promise<void> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: deploymentItem(next),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expected },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new StaleDeploymentError(err);
      throw err;
    }
  },

  async listByRouter(routerId: string, limit: number, cursor?: string): Promise<Page<StoredDeployment>> {
    const partition = BY_ROUTER.pk.build({ router: routerId });
    return queryPage(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
      },
      { limit, cursor },
      { attribute: 'gsi1pk', value: partition },
      (item) => parseItem(StoredDeploymentSchema, 'deployment', withoutKeys(item)),
    );
  },

  /**
   * Takes the router's lease for `deploymentId` until `expires` (epoch seconds). Returns the holder
   * when another deployment holds a lease that has not expired.
   */
  async lease(routerId: string, deploymentId: string, expires: number): Promise<string | null> {
    const now = Math.floor(Date.now() / 1000);
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...leaseKey(routerId),
            entity: KEYS.deploymentLease.entity,
            deployment_id: deploymentId,
            expires,
            [TTL_ATTRIBUTE]: expires + 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR expires < :now OR deployment_id = :me',
          ExpressionAttributeValues: { ':now': now, ':me': deploymentId },
        }),
      );
      return null;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const out = await ddb().send(
        new GetCommand({ TableName: tableName(), Key: leaseKey(routerId), ConsistentRead: true }),
      );
      return (out.Item?.deployment_id as string | undefined) ?? 'another deployment';
    }
  },

  /** The deployment holding the router's lease now; null when none holds one that has not expired. */
  async holder(routerId: string): Promise<string | null> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: leaseKey(routerId), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || typeof item.expires !== 'number' || item.expires < Math.floor(Date.now() / 1000))
      return null;
    return typeof item.deployment_id === 'string' ? item.deployment_id : 'another deployment';
  },

  async release(routerId: string, deploymentId: string): Promise<void> {
    try {
      await ddb().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: leaseKey(routerId),
          ConditionExpression: 'deployment_id = :me',
          ExpressionAttributeValues: { ':me': deploymentId },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  },
};
