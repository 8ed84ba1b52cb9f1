import { listRoutersRoute, routersRepository } from '../../../shared/routers';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(listRoutersRoute, async ({ query }) =>
  routersRepository.list(query.limit, query.cursor),
);
