import { getSettingsRoute, getSettings } from '../../../shared/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getSettingsRoute, async () => getSettings());
