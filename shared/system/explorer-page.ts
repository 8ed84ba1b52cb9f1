import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The API explorer: Swagger UI from swagger-ui-dist, pointed at /openapi.json. A successful
 * post_login in the explorer authorizes it with the returned token, so a person can go straight on.
 */
export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>peerflow API explorer</title>
<link rel="stylesheet" href="explorer/swagger-ui.css">
</head>
<body>
<div id="explorer"></div>
<script src="explorer/swagger-ui-bundle.js" charset="utf-8"></script>
<script src="explorer/explorer.js" charset="utf-8"></script>
</body>
</html>
`;

export const EXPLORER_SCRIPT = `(function () {
  var ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#explorer',
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayOperationId: true,
    responseInterceptor: function (res) {
      try {
        if (res.ok && /\\/users\\/post_login$/.test(res.url) && res.body && res.body.token) {
          ui.preauthorizeApiKey('bearer', res.body.token);
        }
      } catch (e) { /* the explorer keeps working without auto-authorization */ }
      return res;
    },
  });
  window.peerflowExplorer = ui;
})();
`;

export const EXPLORER_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

/** Where swagger-ui-dist's files are: copied beside the bundle in Lambda, in node_modules locally. */
function assetsDir(): string {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  if (taskRoot) return join(taskRoot, 'explorer');
  const require = createRequire(join(process.cwd(), 'package.json'));
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

const cache = new Map<string, string>();

export function explorerAsset(file: 'swagger-ui-bundle.js' | 'swagger-ui.css' | 'explorer.js') {
  const contentType = file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
  if (file === 'explorer.js') return { body: EXPLORER_SCRIPT, contentType };
  let body = cache.get(file);
  if (body === undefined) {
    body = readFileSync(join(assetsDir(), file), 'utf8');
    cache.set(file, body);
  }
  return { body, contentType };
}
