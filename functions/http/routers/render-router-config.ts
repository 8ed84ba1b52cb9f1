import { renderRouterConfigRoute } from '../../../shared/api/routes/routers';
import { renderRouterConfig } from '../../../shared/domain/sessions/session-config';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(renderRouterConfigRoute, async ({ params, query }) =>
  renderRouterConfig(params.id, query.platform),
);
