import { listRoutersRoute } from '../../../shared/routers/routes';
import { defineAction } from '../../../shared/platform/http/define-action';
import { routersRepository } from '../../../shared/routers/routers-store';

export const handler = defineAction(listRoutersRoute, async ({ query }) =>
  routersRepository.list(query.limit, query.cursor),
);
