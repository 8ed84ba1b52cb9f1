import { putSettingsRoute } from '../../../shared/api/routes/settings';
import { replaceSettings } from '../../../shared/domain/settings/change-settings';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(putSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  return replaceSettings(body, caller);
});
