import { patchSettingsRoute, changeSettings, settingsView } from '../../../shared/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(patchSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  return settingsView(await changeSettings(body, caller));
});
