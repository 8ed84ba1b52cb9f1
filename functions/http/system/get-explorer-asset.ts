import { explorerAssetRoute } from '../../../shared/api/routes/system';
import { explorerAsset } from '../../../shared/explorer/page';
import { defineAction } from '../../../shared/http/define-action';
import { reply } from '../../../shared/http/reply';

export const handler = defineAction(explorerAssetRoute, async ({ params }) => {
  const asset = explorerAsset(params.file);
  return reply(200, asset.body, {
    'content-type': asset.contentType,
    'cache-control': 'public, max-age=3600',
    'x-content-type-options': 'nosniff',
  });
});
