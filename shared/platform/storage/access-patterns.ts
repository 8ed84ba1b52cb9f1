import { type EntityName, type IndexKey, NETWORK_ORDER } from './keys';

/**
 * Every access pattern of the table: which entities a read finds, in which index, how it narrows the
 * sort keys, and which routes or jobs use it. Documentation checked by tests (and the README's table)
 * against the key map; kept out of `keys.ts` so that no Lambda bundle carries it.
 */
/** How a Query narrows the partition's sort keys. */
export type SortCondition =
  | { kind: 'all' }
  | { kind: 'begins_with'; on: string }
  | { kind: 'equals'; on: string }
  | { kind: 'between'; on: string }
  | { kind: 'after'; on: string };

export interface AccessPattern {
  name: string;
  /** Every entity the read returns (several for a partition that holds more than one). */
  entities: readonly EntityName[];
  index: IndexKey;
  /** What is asked of the sort key; `on` is a slot of it or the start of its shape. */
  sort: SortCondition;
  /** `GetItem` / `BatchGetItem` of one key, or a Query. */
  operation: 'get' | 'query';
  /** Set when each entity is read in a partition of its own (one Query per entity). */
  perEntity?: true;
  usedBy: readonly string[];
}

const all = { kind: 'all' } as const;
const beginsWith = (on: string) => ({ kind: 'begins_with', on }) as const;
const equals = (on: string) => ({ kind: 'equals', on }) as const;
const between = (on: string) => ({ kind: 'between', on }) as const;
const after = (on: string) => ({ kind: 'after', on }) as const;
const get = (name: string, entity: EntityName, usedBy: string[]): AccessPattern => ({
  name,
  entities: [entity],
  index: 'table',
  sort: equals('key'),
  operation: 'get',
  usedBy,
});
const query = (
  name: string,
  entities: EntityName[],
  index: IndexKey,
  sort: SortCondition,
  usedBy: string[],
  perEntity?: true,
): AccessPattern => ({
  name,
  entities,
  index,
  sort,
  operation: 'query',
  usedBy,
  ...(perEntity ? { perEntity } : {}),
});

const PEER_ROUTES = ['GET /exchanges/{public_id}/peers', 'GET /exchanges/{public_id}/peers/{participant_id}'];
const SESSION_WRITES = ['POST /sessions', 'PATCH /sessions/{id}'];
const REQUEST_WRITES = ['POST /requests', 'POST /emails'];
/** What rewrites peer rows: every change to a peer's state, a request's status or a session. */
const PEER_ROW_CHANGES = [
  'PATCH /exchanges/{public_id}/peers/{participant_id}',
  'POST /exchanges/{public_id}/peers/{participant_id}/reset',
  'POST /requests',
  'PATCH /requests/{id}',
  'POST /requests/{id}/retry',
  ...SESSION_WRITES,
  'DELETE /sessions/{id}',
  'DELETE /sessions',
  'POST /sessions/{id}/configure',
  'PeeringDB sync',
  'the build of the peer rows',
];
/** The routes that take an Idempotency-Key (`idempotent: true` on their contract). */
const IDEMPOTENT_ROUTES = [
  'POST /requests',
  'POST /requests/{id}/retry',
  'POST /emails',
  'POST /sessions',
  'POST /routers',
  'POST /users',
];

export const ACCESS_PATTERNS: readonly AccessPattern[] = [
  // PeeringDB
  get('network', 'network', [
    'GET /networks/{participant_id}',
    ...PEER_ROUTES,
    ...REQUEST_WRITES,
    ...SESSION_WRITES,
  ]),
  get('networks-batch', 'network', ['PeeringDB sync', 'data migration']),
  get('exchange', 'exchange', [
    'GET /exchanges',
    'GET /exchanges/{public_id}',
    'PUT /exchanges/{public_id}/presence',
    ...PEER_ROUTES,
    ...SESSION_WRITES,
  ]),
  query('network-partition', ['network', 'contact', 'netixlan'], 'table', all, ['PeeringDB sync']),
  query('network-contacts', ['contact'], 'table', beginsWith('POC#'), [
    'GET /networks/{participant_id}',
    ...REQUEST_WRITES,
  ]),
  get('network-stored-contacts', 'networkContacts', [
    'GET /networks/{participant_id}',
    'GET /networks/{participant_id}/contacts',
    'PUT /networks/{participant_id}/contacts',
    ...REQUEST_WRITES,
  ]),
  get('irr-prefix-lists', 'irrPrefixLists', [
    'GET /networks/{participant_id}/irr',
    'PUT /networks/{participant_id}/irr',
    'POST /networks/{participant_id}/irr/refresh',
    'IRR refresh job',
    'readPrefixLists (config rendering)',
  ]),
  query('irr-prefix-lists-all', ['irrPrefixLists'], 'gsi1', all, ['IRR refresh job']),
  get('irr-list-chunks', 'irrListChunk', [
    'GET /networks/{participant_id}/irr',
    'readPrefixLists (config rendering)',
  ]),
  query('network-presences', ['netixlan'], 'table', beginsWith('NETIXLAN#'), [
    'GET /networks/{participant_id}',
    'GET /exchanges',
    'GET /exchanges/{public_id}',
    'PUT /exchanges/{public_id}/presence',
    ...REQUEST_WRITES,
  ]),
  query(
    'source-type-listing',
    [
      'network',
      'contact',
      'netixlan',
      'exchange',
      'exchangePrefix',
      'exchangeFacility',
      'organisation',
      'facility',
      'exchangeLan',
      'networkFacility',
    ],
    'gsi1',
    all,
    ['PeeringDB sync', 'data migration'],
    true,
  ),
  query('network-by-asn', ['network'], 'gsi2', all, [
    'GET /networks?asn=',
    'PUT /settings',
    'PATCH /settings',
  ]),
  query('networks-by-name', ['network'], 'gsi3', beginsWith('name'), ['GET /networks']),
  query('exchanges-by-country', ['exchange'], 'gsi2', all, ['GET /exchanges?country=']),
  query('exchanges-by-name', ['exchange'], 'gsi3', all, [
    'GET /exchanges',
    'PUT /settings',
    'PATCH /settings',
  ]),
  query('exchange-prefixes', ['exchangePrefix'], 'gsi2', all, [
    'GET /exchanges/{public_id}',
    'PUT /exchanges/{public_id}/presence',
    ...SESSION_WRITES,
  ]),
  query('exchange-facilities', ['exchangeFacility'], 'gsi2', all, ['GET /exchanges/{public_id}']),
  query('exchange-lans', ['exchangeLan'], 'gsi2', all, [
    'GET /exchanges/{public_id}/peers',
    'GET /exchanges/{public_id}/peers/{participant_id}',
    'GET /exchanges/{public_id}/communications',
  ]),
  query('presences-by-ipv4', ['netixlan'], 'gsi2', all, SESSION_WRITES),
  query('presences-by-ipv6', ['netixlan'], 'gsi3', all, SESSION_WRITES),
  query('exchange-members', ['member'], 'table', beginsWith('M#'), [
    'GET /exchanges/{public_id}/peers',
    'GET /exchanges/{public_id}',
    'PeeringDB sync',
  ]),
  query('network-memberships', ['member'], 'gsi2', all, ['PeeringDB sync']),
  query('exchange-member', ['member'], 'gsi2', equals('ix'), [
    'GET /exchanges/{public_id}/peers/{participant_id}',
    'PATCH /exchanges/{public_id}/peers/{participant_id}',
    ...SESSION_WRITES,
    'data migration',
  ]),
  // Sync
  get('sync-run', 'syncRun', ['GET /sync/runs/{id}']),
  query('sync-runs', ['syncRun'], 'gsi1', all, ['GET /sync/runs']),
  get('sync-lease', 'syncLease', ['POST /sync/peeringdb', 'PeeringDB sync']),
  get('sync-cursors', 'syncCursors', ['PeeringDB sync']),
  get('sync-dirty', 'syncDirty', ['PeeringDB sync']),
  get('migration', 'migration', ['deploy', 'PeeringDB sync', 'npm start']),
  // Peers
  query('exchange-peer-states', ['peerState'], 'table', beginsWith('NET#'), [
    'GET /exchanges/{public_id}/peers',
  ]),
  query('exchange-peer-states-and-logs', ['peerState', 'peerLog'], 'table', all, [
    'GET /exchanges/{public_id}/peers?include_log_data=',
    'GET /exchanges/{public_id}/communications',
  ]),
  query('peer-states-in-order', ['peerState'], 'gsi3', after(NETWORK_ORDER.shape), [
    'GET /exchanges/{public_id}/peers',
  ]),
  get('peer-state', 'peerState', ['GET /exchanges/{public_id}/peers/{participant_id}', ...REQUEST_WRITES]),
  query('peer-log', ['peerLog'], 'table', between('LOG#<net:padded>#'), [
    'GET /exchanges/{public_id}/peers/{participant_id}',
  ]),
  query('unordered-peer-states', ['peerState'], 'table', beginsWith('NET#'), ['data migration']),
  query('peer-rows-by-verdict', ['peerRow'], 'gsi1', after(NETWORK_ORDER.shape), [
    'GET /exchanges/{public_id}/peers?qualified=',
  ]),
  query('peer-rows-by-request-status', ['peerRow'], 'gsi2', after(NETWORK_ORDER.shape), [
    'GET /exchanges/{public_id}/peers?request_status=',
  ]),
  query('peer-rows-by-is-peer', ['peerRow'], 'gsi3', after(NETWORK_ORDER.shape), [
    'GET /exchanges/{public_id}/peers?is_peer=',
  ]),
  query('exchange-peer-rows', ['peerRow'], 'table', all, ['the build of the peer rows']),
  get('peer-rows-build', 'peerRowsBuild', [
    'GET /exchanges/{public_id}/peers?qualified=|request_status=|is_peer=',
    ...PEER_ROW_CHANGES,
  ]),
  query('peer-rows-builds', ['peerRowsBuild'], 'table', all, ['the build of the peer rows']),
  // Requests
  get('request', 'request', [
    'GET /requests/{id}',
    'PATCH /requests/{id}',
    'POST /requests/{id}/retry',
    'GET /requests?public_id=',
  ]),
  query('requests', ['request'], 'gsi1', between('created'), ['GET /requests']),
  query('requests-by-peer', ['request'], 'gsi2', between('created'), ['GET /requests?peer_participant_id=']),
  query('requests-by-exchange', ['requestExchange'], 'gsi3', between('created'), [
    'GET /requests?public_id=',
  ]),
  get('request-guard', 'requestGuard', REQUEST_WRITES),
  get('send-rate', 'sendRate', REQUEST_WRITES),
  get('template', 'template', ['GET /templates/{name}', ...REQUEST_WRITES]),
  query('templates', ['template'], 'gsi1', all, ['GET /templates']),
  // Sessions
  get('session', 'session', [
    'GET /sessions/{id}',
    'PATCH /sessions/{id}',
    'DELETE /sessions/{id}',
    'POST /sessions/{id}/configure',
  ]),
  query('sessions', ['session'], 'gsi1', all, ['GET /sessions', 'DELETE /sessions']),
  query('sessions-by-exchange', ['session'], 'gsi2', beginsWith('NET#<net:padded>#'), [
    'GET /sessions?public_id=',
    'GET /exchanges/{public_id}/peers',
  ]),
  query('sessions-by-router', ['session'], 'gsi3', beginsWith('<peerIp:text>#'), [
    'GET /sessions?resource_id=',
    'GET /sessions/{id}/config',
    'GET /routers/{id}/config',
    'PATCH /routers/{id}',
  ]),
  query('config-revisions', ['configRevision'], 'table', all, ['GET /sessions/{id}/config/revisions']),
  query('config-revision-by-id', ['configRevision'], 'gsi1', all, [
    'GET /routers/{id}/config/revisions/{a}/diff/{b}',
  ]),
  // Users, routers, settings, presences, audit
  get('user', 'user', [
    'GET /users/me',
    'PATCH /users/me',
    'PATCH /users/{id}',
    'POST /users/post_login',
    'the authorizer',
  ]),
  get('user-by-email', 'userEmail', ['POST /users/post_login']),
  query('users', ['user'], 'gsi1', all, ['GET /users', 'PATCH /users/{id}', 'DELETE /users/{id}']),
  get('login-account', 'loginAccount', ['POST /users/post_login']),
  get('login-known-source', 'loginKnownSource', ['POST /users/post_login']),
  get('login-address', 'loginAddress', ['POST /users/post_login']),
  get('login-sources', 'loginSources', ['POST /users/post_login']),
  get('admin-count', 'adminCount', ['POST /users', 'PATCH /users/{id}', 'DELETE /users/{id}']),
  get('revoked-token', 'revokedToken', ['the authorizer']),
  get('router', 'router', ['GET /routers/{id}', ...SESSION_WRITES, 'PUT /exchanges/{public_id}/presence']),
  query('routers', ['router'], 'gsi1', all, ['GET /routers']),
  get('router-connection', 'routerConnection', [
    'GET /routers/{id}/connection',
    'PUT /routers/{id}/connection',
    'DELETE /routers/{id}/connection',
    'POST /routers/{id}/deployments',
    'the deployment workflow',
  ]),
  get('deployment', 'deployment', ['GET /deployments/{id}', 'the deployment workflow']),
  query('deployments-by-router', ['deployment'], 'gsi1', all, ['GET /routers/{id}/deployments']),
  get('deployment-lease', 'deploymentLease', ['POST /routers/{id}/deployments', 'the deployment workflow']),
  get('router-poll', 'routerPoll', [
    'POST /routers/{id}/poll',
    'GET /routers/{id}/poll',
    'GET /routers/{id}/unmanaged',
    'POST /routers/{id}/import',
    'the polling job',
  ]),
  query('session-history', ['sessionHistory'], 'table', all, ['GET /sessions/{id}/history']),
  get('session-polled', 'sessionPolled', ["every read of sessions but a whole router's (merged in)"]),
  query('session-polled-by-router', ['sessionPolled'], 'gsi1', all, [
    "a router's whole list of sessions (merged in)",
    'POST /routers/{id}/poll',
    'the polling job',
    'the deployment workflow',
  ]),
  get('number-counter', 'numberCounter', [
    'POST /sessions',
    'POST /routers',
    'POST /requests',
    'data migration',
  ]),
  get('item-by-number', 'numberClaim', ['the v1 gateway (session ids, resource_id)']),
  get('settings', 'settings', ['GET /settings', 'PUT /settings', 'PATCH /settings']),
  get('presence-override', 'presenceOverride', [
    'GET /exchanges/{public_id}',
    'PUT /exchanges/{public_id}/presence',
    ...SESSION_WRITES,
  ]),
  query('presence-overrides', ['presenceOverride'], 'table', all, ['GET /exchanges', ...REQUEST_WRITES]),
  get('idempotency-record', 'idempotencyRecord', IDEMPOTENT_ROUTES),
  get('webhook', 'webhook', [
    'GET /webhooks/{id}',
    'PATCH /webhooks/{id}',
    'DELETE /webhooks/{id}',
    'POST /webhooks/{id}/test',
    'webhook delivery',
  ]),
  query('webhooks', ['webhook'], 'gsi1', all, ['GET /webhooks', 'webhook delivery']),
  query('webhook-deliveries', ['webhookDelivery'], 'table', all, ['GET /webhooks/{id}/deliveries']),
  get('webhook-delivery', 'webhookDelivery', ['webhook delivery']),
  query('audit', ['audit'], 'gsi1', between('time'), ['GET /audit']),
  query('audit-by-user', ['audit'], 'gsi2', between('time'), ['GET /audit?user_id=']),
];
