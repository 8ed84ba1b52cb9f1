import { renderRouterConfigRoute } from '../../../shared/routers';
import { renderRouterConfig } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(renderRouterConfigRoute, async ({ params, query }) =>
  renderRouterConfig(params.id, query.platform),
);
