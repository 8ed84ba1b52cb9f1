import { explorerRoute } from '../../../shared/api/routes/system';
import { EXPLORER_HEADERS, EXPLORER_HTML } from '../../../shared/explorer/page';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(explorerRoute, async () => reply(200, EXPLORER_HTML, EXPLORER_HEADERS));
