import type { RouteContract } from './contract';
import { emailsRoutes } from './routes/emails';
import { exchangesRoutes } from './routes/exchanges';
import { networksRoutes } from './routes/networks';
import { peersRoutes } from './routes/peers';
import { requestsRoutes } from './routes/requests';
import { routersRoutes } from './routes/routers';
import { sessionsRoutes } from './routes/sessions';
import { settingsRoutes } from './routes/settings';
import { syncRoutes } from './routes/sync';
import { systemRoutes } from './routes/system';
import { templatesRoutes } from './routes/templates';
import { usersRoutes } from './routes/users';
import { v1Routes } from './routes/v1';

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
