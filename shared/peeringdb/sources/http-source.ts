import { type PeeringDbSource, recordsOf } from './source';
import { backoffDelay, sleep as pause } from '../../platform/concurrency';

export interface HttpSourceOptions {
  /** The API root, e.g. https://www.peeringdb.com/api */
  url: string;
  apiKey?: string;
  pageSize?: number;
  /** Per request, headers and body included. */
  timeoutMs?: number;
  /** Attempts per page for 429, 5xx and network errors. */
  maxAttempts?: number;
  /** Longest wait honoured from a Retry-After header or backoff. */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

class FetchError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly waitMs?: number,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/**
 * The PeeringDB REST API: `depth=0`, `limit`/`skip` pages, `since` for changes, `Api-Key` auth.
 * 429 waits as long as Retry-After says (PeeringDB allows 20 anonymous requests a minute, 40 with
 * a key); 5xx and network errors back off exponentially; after the last attempt the fetch fails.
 */
export function httpSource(options: HttpSourceOptions): PeeringDbSource {
  const root = options.url.replace(/\/+$/, '');
  const pageSize = options.pageSize ?? 1000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const sleep = options.sleep ?? pause;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'peerflow-sync' };
  if (options.apiKey) headers.authorization = `Api-Key ${options.apiKey}`;

  async function getPage(url: string): Promise<unknown[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetchOnce(url);
      } catch (err) {
        const retryable = err instanceof FetchError ? err.retryable : false;
        if (!retryable || attempt >= maxAttempts) throw err;
        const backoff = backoffDelay(attempt - 1, { baseMs: 1000, capMs: maxWaitMs });
        const wait = err instanceof FetchError && err.waitMs !== undefined ? err.waitMs : backoff;
        await sleep(Math.min(maxWaitMs, wait));
      }
    }
  }

  async function fetchOnce(url: string): Promise<unknown[]> {
    const where = url.slice(root.length);
    let res: Response;
    let text: string;
    try {
      // One signal for headers and body: a server that stalls midway through a page times out too.
      const signal = AbortSignal.timeout(timeoutMs);
      res = await fetch(url, { headers, signal });
      text = await res.text();
    } catch (err) {
      const reason =
        (err as Error).name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (err as Error).message;
      throw new FetchError(`${where}: ${reason}`, true);
    }
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new FetchError(
        `${where}: rate limited (429)`,
        true,
        Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined,
      );
    }
    if (res.status >= 500) throw new FetchError(`${where}: PeeringDB answered ${res.status}`, true);
    if (res.status !== 200) throw new FetchError(`${where}: PeeringDB answered ${res.status}`, false);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // A cut-off body is usually a dropped connection: worth another try.
      throw new FetchError(`${where}: response is not valid JSON (${text.length} bytes)`, true);
    }
    return recordsOf(body, where);
  }

  return {
    description: root,
    pages(type, { since }) {
      return (async function* () {
        for (let skip = 0; ; skip += pageSize) {
          const query = new URLSearchParams({ depth: '0', limit: String(pageSize), skip: String(skip) });
          if (since !== undefined) query.set('since', String(since));
          const records = await getPage(`${root}/${type}?${query}`);
          yield records;
          if (records.length < pageSize) return;
        }
      })();
    },
  };
}
