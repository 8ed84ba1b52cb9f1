/**
 * Runs `fn` on every item, at most `limit` at once: each of the workers takes the next item in
 * order as soon as it is done with one. Fails as soon as one call fails (the calls already
 * running carry on).
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The items in runs of `size` (the last one shorter), in order. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Backoff {
  /** The wait before the exponent's first step. */
  baseMs: number;
  /** The longest wait. */
  capMs: number;
  /**
   * `none`: exactly the wait; `full`: anywhere from 0 to it; `spread`: from half of it to one and
   * a half times it.
   */
  jitter?: 'none' | 'full' | 'spread';
}

/** Exponential backoff: `baseMs * 2 ** exponent`, at most `capMs`, with the jitter asked for. */
export function backoffDelay(exponent: number, { baseMs, capMs, jitter = 'none' }: Backoff): number {
  const delay = Math.min(capMs, baseMs * 2 ** exponent);
  if (jitter === 'full') return Math.random() * delay;
  if (jitter === 'spread') return delay * (0.5 + Math.random());
  return delay;
}

/**
 * Runs `attempt` until it does not lose a race: while it throws what `lost` recognises (another
 * writer came first), it waits a short random while and runs again over what is stored now, up to
 * `tries` times; then it throws the last such error. Any other error ends it at once.
 */
export async function retryWhileRaced<T>(
  attempt: () => Promise<T>,
  lost: (err: unknown) => boolean,
  tries = 16,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!lost(err) || n >= tries) throw err;
    }
    await sleep(backoffDelay(Math.min(n, 5), { baseMs: 5, capMs: 80, jitter: 'full' }));
  }
}
