import type { StoredRouter } from '../routers';

/**
 * How a configured session's config reaches its router. A pushing adapter (NETCONF, SSH, an
 * automation hook) would call `withSecrets` for the text with real passwords; the one adapter
 * today keeps the stored revision as the hand-off and never decrypts anything.
 */
export interface ConfigDelivery {
  readonly method: string;
  deliver(input: {
    router: StoredRouter;
    platform: string;
    /** The config with password placeholders: what is stored and returned. */
    config: string;
    /** The config with the real passwords, rendered only when called. */
    withSecrets: () => Promise<string>;
  }): Promise<{ delivered: boolean; note?: string }>;
}

export const storeAndReturn: ConfigDelivery = {
  method: 'store-and-return',
  async deliver() {
    return { delivered: false };
  },
};
