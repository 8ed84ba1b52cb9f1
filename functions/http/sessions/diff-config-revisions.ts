import { diffConfigRevisionsRoute, diffConfigRevisions } from '../../../shared/sessions';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(diffConfigRevisionsRoute, async ({ params }) =>
  diffConfigRevisions(params.id, params.a, params.b),
);
