import * as z from '../platform/zod';
import { route } from '../platform/http/contract';
import { idParam, Timestamp } from '../platform/http/schemas';
import { MAX_AS_SET_NAME_LENGTH, MAX_AS_SETS, MAX_SOURCE_LENGTH } from './as-set-names';
import { IRR_STATUSES, IrrVersionSchema } from './irr-store';

const Params = z.object({ participant_id: idParam });

export const IrrViewSchema = z
  .object({
    participant_id: z.int(),
    as_set: z
      .string()
      .check(
        z.meta({ description: 'The sets the next refresh uses: the override, else PeeringDB irr_as_set' }),
      ),
    as_set_source: z.enum(['peeringdb', 'override', 'none']),
    peeringdb_as_set: z.nullable(z.string()),
    override: z.nullable(z.object({ as_set: z.string(), set_by: z.string(), set_at: Timestamp })),
    status: z.enum([...IRR_STATUSES, 'not_refreshed']).check(
      z.meta({
        description:
          'How the latest refresh went. ok; empty (no prefix, or no set: renders an explicit deny); ' +
          'too_large (refused over the limit) and failed keep the previous lists',
      }),
    ),
    refreshed_at: z.nullable(Timestamp).check(z.meta({ description: 'When the lists shown were fetched' })),
    attempted_at: z.nullable(Timestamp),
    error: z.nullable(z.string()),
    notes: z.array(z.string()),
    aggregated: z.boolean(),
    digest: z.nullable(z.string()),
    ipv4_count: z.int(),
    ipv6_count: z.int(),
    ipv4: z.array(z.string()),
    ipv6: z.array(z.string()),
    history: z.array(IrrVersionSchema).check(z.meta({ description: 'The last refreshes, newest first' })),
  })
  .check(z.meta({ id: 'IrrPrefixLists' }));

export const getIrrRoute = route({
  operationId: 'getNetworkIrr',
  method: 'GET',
  path: '/networks/{participant_id}/irr',
  role: 'viewer',
  tag: 'networks',
  summary: "A network's IRR prefix lists (IPv4 and IPv6, from its AS-SET), their status and history",
  params: Params,
  response: IrrViewSchema,
  handler: 'functions/http/irr/get-network-irr.ts',
  access: { table: 'read' },
  errors: [404],
});

export const putIrrRoute = route({
  operationId: 'putNetworkIrr',
  method: 'PUT',
  path: '/networks/{participant_id}/irr',
  role: 'operator',
  tag: 'networks',
  summary:
    "Set the AS-SETs used for a network instead of PeeringDB's irr_as_set (null: PeeringDB's again), " +
    'then refresh its lists',
  params: Params,
  body: z.strictObject({
    as_set: z.nullable(
      z
        .string()
        .check(
          z.minLength(1),
          z.maxLength(MAX_AS_SETS * (MAX_AS_SET_NAME_LENGTH + MAX_SOURCE_LENGTH + 3)),
          z.meta({ description: 'AS-SET names (RIPE::AS-FOO, AS-BAR), separated by spaces or commas' }),
        ),
    ),
  }),
  response: IrrViewSchema,
  handler: 'functions/http/irr/put-network-irr.ts',
  access: { table: 'read-write' },
  errors: [404, 409],
});

export const refreshIrrRoute = route({
  operationId: 'refreshNetworkIrr',
  method: 'POST',
  path: '/networks/{participant_id}/irr/refresh',
  role: 'operator',
  tag: 'networks',
  summary:
    "Fetch a network's prefix lists from the IRR now; a failed refresh keeps the previous lists and says why",
  params: Params,
  response: IrrViewSchema,
  handler: 'functions/http/irr/refresh-network-irr.ts',
  access: { table: 'read-write' },
  errors: [404, 409],
});

export const irrRoutes = [getIrrRoute, putIrrRoute, refreshIrrRoute];
