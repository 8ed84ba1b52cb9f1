import type { RouteContract } from '../platform/http/contract';
import { emailsRoutes, requestsRoutes, templatesRoutes } from '../requests';
import { exchangesRoutes, networksRoutes } from '../exchanges';
import { peersRoutes } from '../peers';
import { routersRoutes } from '../routers';
import { sessionsRoutes } from '../sessions';
import { settingsRoutes } from '../settings';
import { syncRoutes } from '../peeringdb';
import { systemRoutes } from '../system';
import { usersRoutes } from '../users';
import { v1Routes } from '../v1';
import { deliveryRoutes } from '../deployments';
import { webhooksRoutes } from '../webhooks';
import { pollingRoutes } from '../polling';
import { irrRoutes } from '../irr';

/**
 * THE route table: every route of the API, one row each. The CDK stack, the local server, the
 * OpenAPI document, the v1 gateway and the authorization tests all read this list.
 */
export const routes: readonly RouteContract[] = [
  ...systemRoutes,
  ...usersRoutes,
  ...peersRoutes,
  ...requestsRoutes,
  ...templatesRoutes,
  ...emailsRoutes,
  ...exchangesRoutes,
  ...networksRoutes,
  ...irrRoutes,
  ...settingsRoutes,
  ...syncRoutes,
  ...routersRoutes,
  ...sessionsRoutes,
  ...deliveryRoutes,
  ...webhooksRoutes,
  ...pollingRoutes,
  ...v1Routes,
];
