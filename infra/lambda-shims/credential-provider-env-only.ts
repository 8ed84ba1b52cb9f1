import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in Lambda bundles. Lambda hands a function its
 * role's credentials in the environment, so the SDK's default chain (profiles, SSO, web identity,
 * instance metadata...) is dead weight there: about 130 KB per bundle. Local runs and tests use the
 * real chain; only the deployed bundles are built with this.
 */
export const defaultProvider = (_init?: unknown) => fromEnv();
