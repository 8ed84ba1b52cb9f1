import { afterSettingsChange, settingsBefore } from '../../../shared/app/settings-change';
import { patchSettingsRoute, changeSettings, settingsView } from '../../../shared/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(patchSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  const before = await settingsBefore();
  const after = await changeSettings(body, caller);
  await afterSettingsChange(before, after, caller.email);
  return settingsView(after);
});
