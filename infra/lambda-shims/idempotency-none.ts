import type { RunOnce } from '../../shared/platform/http/idempotency';

/**
 * Stands in for `shared/platform/http/idempotency-runner.ts` in the v1 gateway's bundle. The gateway
 * takes no Idempotency-Key (it drops the header before calling a v2 handler), so the v2 handlers it
 * holds never run a keyed call there, and their bundle stays without Powertools idempotency: the
 * gateway's heaviest action is near the bundle budget already. Were a keyed call to reach it, it
 * would run as a call without a key.
 */
export const runOnce: RunOnce = (_call, _state, work) => work();
