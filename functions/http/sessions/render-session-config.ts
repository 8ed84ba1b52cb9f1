import { renderSessionConfigRoute, renderSessionConfig } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(renderSessionConfigRoute, async ({ params, query }) =>
  renderSessionConfig(params.id, query.platform),
);
