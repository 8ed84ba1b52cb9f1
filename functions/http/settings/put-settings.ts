import { putSettingsRoute } from '../../../shared/api/routes/settings';
import { putSettings } from '../../../shared/domain/settings/settings';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(putSettingsRoute, async ({ body, caller, audit }) => {
  audit('settings');
  return putSettings(body, caller);
});
