import { getSettingsRoute } from '../../../shared/settings/routes';
import { getSettings } from '../../../shared/settings/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getSettingsRoute, async () => getSettings());
