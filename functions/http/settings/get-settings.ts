import { getSettingsRoute } from '../../../shared/api/routes/settings';
import { getSettings } from '../../../shared/domain/settings/settings';
import { defineAction } from '../../../shared/http/define-action';

export const handler = defineAction(getSettingsRoute, async () => getSettings());
