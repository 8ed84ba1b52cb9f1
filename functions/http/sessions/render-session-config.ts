import { renderSessionConfigRoute } from '../../../shared/api/routes/sessions';
import { renderSessionConfig } from '../../../shared/domain/sessions/session-config';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(renderSessionConfigRoute, async ({ params, query }) =>
  renderSessionConfig(params.id, query.platform),
);
