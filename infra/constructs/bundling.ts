import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/**
 * How every Lambda entry is bundled, shared by the CDK functions and the bundle benchmark so that
 * what is measured is what is deployed. The AWS SDK is bundled (pinned versions, not the runtime's).
 *
 * A bundle is what its entry file reaches, and the goal is under 400 KB each (`bench/bundles.ts`):
 * what only some routes need (an SDK client, a heavy library) lives in a module that only their
 * entry files import and hand in, as the Idempotency-Key runner and the cursor sealer are.
 *
 * The SSH transport of `shared/devices` (ssh2) is the case to watch. ssh2 is CommonJS, so nothing of
 * it is shaken off (about 330 KB with its crypto), and it requires native addons (`*.node`,
 * `cpu-features`) built for the machine that installed them, not for Lambda's arm64, which esbuild
 * refuses to bundle. Only the functions that reach routers may import it; they mark those addons
 * external (ssh2 falls back to JavaScript without them), and such a function does not fit the goal
 * whole: it loads the transport lazily, split like the v1 gateway (`SPLIT_ENTRIES`).
 */
export const LAMBDA_TARGET = 'node24';

export const ESM_REQUIRE_BANNER =
  "import { createRequire as __peerflowCreateRequire } from 'node:module'; const require = __peerflowCreateRequire(import.meta.url);";

const JMESPATH_PLAIN_FIELD = fileURLToPath(
  new URL('../lambda-shims/jmespath-plain-field.ts', import.meta.url),
);

/**
 * Bundle-time replacements (esbuild `alias`): the SDK's credential chain becomes the environment
 * alone, its event-stream support (which no peerflow call uses) a refusal, and JMESPath (read by
 * Powertools idempotency) a reader of plain fields.
 */
export const LAMBDA_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(
    new URL('../lambda-shims/credential-provider-env-only.ts', import.meta.url),
  ),
  '@smithy/core/event-streams': fileURLToPath(
    new URL('../lambda-shims/event-streams-none.ts', import.meta.url),
  ),
  '@aws-lambda-powertools/jmespath/functions': JMESPATH_PLAIN_FIELD,
  '@aws-lambda-powertools/jmespath': JMESPATH_PLAIN_FIELD,
};

/**
 * Native addons ssh2 tries to load (each in a try/catch, with a JavaScript fallback): built for the
 * machine that installed them, never for Lambda, so left out of every bundle.
 */
export const NATIVE_ADDONS = ['cpu-features', '*.node'];

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
  external: NATIVE_ADDONS,
};

/**
 * Entries bundled with code splitting: the entry loads what every call needs, and each module it
 * imports dynamically becomes chunks loaded on first use. The v1 gateway holds all twelve v1
 * actions, each the v2 handler of its route; bundled whole it would load every one of them at each
 * cold start.
 */
export const SPLIT_ENTRIES = new Set(['functions/v1/gateway.ts']);

/**
 * The v1 gateway's bundle holds the v2 handlers without the Idempotency-Key machinery, which it
 * never uses (see `lambda-shims/idempotency-none.ts`).
 */
const withoutIdempotency: Plugin = {
  name: 'v1-without-idempotency',
  setup(build) {
    build.onResolve({ filter: /\/platform\/http\/idempotency-runner$/ }, () => ({
      path: fileURLToPath(new URL('../lambda-shims/idempotency-none.ts', import.meta.url)),
    }));
  },
};

/** Options of a split build: `index.mjs` (exporting the handler) and its `chunks/` beside it. */
export function splitBuildOptions(entry: string, outdir: string) {
  return {
    ...esbuildOptions,
    plugins: [withoutIdempotency],
    entryPoints: { index: entry },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
  };
}
