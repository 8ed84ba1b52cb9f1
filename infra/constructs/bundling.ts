import { fileURLToPath } from 'node:url';

/**
 * How every Lambda entry is bundled, shared by the CDK functions and the bundle benchmark so that
 * what is measured is what is deployed. The AWS SDK is bundled (pinned versions, not the runtime's).
 */
export const LAMBDA_TARGET = 'node24';

export const ESM_REQUIRE_BANNER =
  "import { createRequire as __peerflowCreateRequire } from 'node:module'; const require = __peerflowCreateRequire(import.meta.url);";

/** Bundle-time replacements (esbuild `alias`): the SDK's credential chain becomes the environment alone. */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../lambda-shims/credential-provider-env-only.ts', import.meta.url),
  ),
};

export const esbuildOptions = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: LAMBDA_TARGET,
  minify: true,
  sourcemap: 'linked' as const,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  legalComments: 'none' as const,
  alias: LAMBDA_ALIASES,
};
