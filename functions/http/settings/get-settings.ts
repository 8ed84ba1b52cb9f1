import { getSettingsRoute, getSettings, settingsView } from '../../../shared/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(getSettingsRoute, async () => settingsView(await getSettings()));
