import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';

/** What one POST to a webhook came to: an HTTP status, or the error that stopped it. */
export type PostResult =
  { kind: 'answered'; status: number; retryAfterSeconds: number | null } | { kind: 'failed'; error: string };

/** Bytes of an answer read before the connection is dropped: nothing of it is kept. */
const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * POSTs `body` to `url`, connecting to `address` only (already checked: the name is never looked
 * up again, so DNS cannot swap in another address between the check and the connection). TLS is
 * verified against the URL's host name. Redirects are not followed; the answer's body is read up to
 * a bound and dropped. The whole call, connection to answer, ends after `timeoutMs`.
 */
export function postJson(
  url: URL,
  address: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> {
  const family = isIP(address) === 6 ? 6 : 4;
  const pinned: LookupFunction = (_host, options, callback) => {
    if ((options as { all?: boolean }).all) {
      (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address, family },
      ]);
    } else callback(null, address, family);
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send(
      url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'peerflow-webhooks/1',
        },
        agent: false,
      },
      (res) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_ANSWER_BYTES) res.destroy();
        });
        const retryAfter = Number(res.headers['retry-after']);
        const answered: PostResult = {
          kind: 'answered',
          status: res.statusCode ?? 0,
          retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null,
        };
        res.on('end', () => done(answered));
        res.on('close', () => done(answered));
        res.on('error', () => done(answered));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      done({ kind: 'failed', error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ kind: 'failed', error: err.code ? `${err.code}: ${err.message}` : err.message }),
    );
    req.end(body);
  });
}
