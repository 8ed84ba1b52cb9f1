import { renderSessionConfigRoute } from '../../../shared/sessions/routes';
import { renderSessionConfig } from '../../../shared/sessions/session-config';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(renderSessionConfigRoute, async ({ params, query }) =>
  renderSessionConfig(params.id, query.platform),
);
