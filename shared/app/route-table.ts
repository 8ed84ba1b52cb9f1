import type { RouteContract } from '../platform/http/contract';
import { emailsRoutes } from '../requests/emails-routes';
import { exchangesRoutes } from '../exchanges/exchanges-routes';
import { networksRoutes } from '../exchanges/networks-routes';
import { peersRoutes } from '../peers/routes';
import { requestsRoutes } from '../requests/routes';
import { routersRoutes } from '../routers/routes';
import { sessionsRoutes } from '../sessions/routes';
import { settingsRoutes } from '../settings/routes';
import { syncRoutes } from '../peeringdb/routes';
import { systemRoutes } from '../system/routes';
import { templatesRoutes } from '../requests/templates-routes';
import { usersRoutes } from '../users/routes';
import { v1Routes } from '../v1/routes';

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
  ...settingsRoutes,
  ...syncRoutes,
  ...routersRoutes,
  ...sessionsRoutes,
  ...v1Routes,
];
