import { listRoutersRoute, routersRepository } from '../../../shared/routers';
import { cursorSealer } from '../../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(
  listRoutersRoute,
  async ({ query }) => routersRepository.list(query.limit, query.cursor),
  { cursors: cursorSealer },
);
