import { renderRouterConfigRoute } from '../../../shared/routers/routes';
import { renderRouterConfig } from '../../../shared/sessions/session-config';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(renderRouterConfigRoute, async ({ params, query }) =>
  renderRouterConfig(params.id, query.platform),
);
