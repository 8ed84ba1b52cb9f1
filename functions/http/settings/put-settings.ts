import { afterSettingsChange, settingsBefore } from '../../../shared/app/settings-change';
import { putSettingsRoute, replaceSettings, settingsView } from '../../../shared/settings';
import { defineAction } from '../../../shared/platform/http/define-action';

export const handler = defineAction(putSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  const before = await settingsBefore();
  const after = await replaceSettings(body, caller);
  await afterSettingsChange(before, after, caller.email);
  return settingsView(after);
});
