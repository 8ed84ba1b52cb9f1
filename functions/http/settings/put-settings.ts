import { putSettingsRoute, replaceSettings, settingsView } from '../../../shared/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  return settingsView(await replaceSettings(body, caller));
});
