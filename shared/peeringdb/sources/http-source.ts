import { type PeeringDbSource, recordsOf, type SourceIdentity, SourceUnreachableError } from './source';
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
  /** Longest time spent waiting between the attempts of one page, all waits together. */
  retryBudgetMs?: number;
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

/** Network errors that say the host is not there at all, and what to call them. */
const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name could not be resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

/** The data set an API serves is its root URL: scheme, host, port (default dropped), path; no query, no credentials. */
export function apiIdentity(url: string): SourceIdentity {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  const id = `${parsed.protocol}//${parsed.host}${path}`;
  return { kind: 'api', id, label: id };
}

/**
 * The PeeringDB REST API: `depth=0`, `limit`/`skip` pages, `since` for changes, `Api-Key` auth.
 * 429 waits as long as Retry-After says (PeeringDB allows 20 anonymous requests a minute, 40 with
 * a key); 5xx, timeouts and dropped connections back off exponentially; after the last attempt, or
 * once the next wait would go past the retry budget, the fetch fails. A refused connection or an
 * unknown host fails at once (SourceUnreachableError), since waiting would not change it.
 */
export function httpSource(options: HttpSourceOptions): PeeringDbSource {
  const root = options.url.replace(/\/+$/, '');
  const identity = apiIdentity(root);
  const pageSize = options.pageSize ?? 1000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const retryBudgetMs = options.retryBudgetMs ?? 300_000;
  const sleep = options.sleep ?? pause;
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'peerflow-sync' };
  if (options.apiKey) headers.authorization = `Api-Key ${options.apiKey}`;

  async function getPage(url: string): Promise<unknown[]> {
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetchOnce(url);
      } catch (err) {
        const retryable = err instanceof FetchError ? err.retryable : false;
        if (!retryable || attempt >= maxAttempts) throw err;
        const backoff = backoffDelay(attempt - 1, { baseMs: 1000, capMs: maxWaitMs });
        const wait = Math.min(
          maxWaitMs,
          err instanceof FetchError && err.waitMs !== undefined ? err.waitMs : backoff,
        );
        if (waited + wait > retryBudgetMs) {
          throw new FetchError(
            `${(err as Error).message}; gave up after ${attempt} attempts (the next wait of ${Math.round(wait / 1000)} s would pass the ${Math.round(retryBudgetMs / 1000)} s retry budget)`,
            false,
          );
        }
        waited += wait;
        await sleep(wait);
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
      const code = ((err as Error).cause as { code?: unknown } | undefined)?.code;
      const unreachable = typeof code === 'string' ? UNREACHABLE[code] : undefined;
      if (unreachable) {
        throw new SourceUnreachableError(`${identity.label} is unreachable: ${unreachable} (${code})`, {
          cause: err,
        });
      }
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
    identity,
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
