import { listRoutersRoute } from '../../../shared/api/routes/routers';
import { defineAction } from '../../../shared/http/define-action';
import { routersRepository } from '../../../shared/storage/routers-repository';

export const handler = defineAction(listRoutersRoute, async ({ query }) =>
  routersRepository.list(query.limit, query.cursor),
);
