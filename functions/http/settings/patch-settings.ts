import { patchSettingsRoute } from '../../../shared/api/routes/settings';
import { changeSettings } from '../../../shared/domain/settings/change-settings';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(patchSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  return changeSettings(body, caller);
});
