import { explorerRoute, EXPLORER_HEADERS, EXPLORER_HTML } from '../../../shared/system';
import { defineAction } from '../../../shared/platform/http/define-action';
import { reply } from '../../../shared/platform/http/reply';

export const handler = defineAction(explorerRoute, async () => reply(200, EXPLORER_HTML, EXPLORER_HEADERS));
