import { createServer, type Server } from 'node:http';
import { MAX_BODY_BYTES } from '../shared/platform/http/middlewares';
import type { Dispatch } from './dispatcher';

/** Serves the dispatcher over node:http; the body is read up to one byte past the limit. */
export function createLocalServer(dispatch: Dispatch): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', async () => {
      const body = tooLarge ? Buffer.alloc(MAX_BODY_BYTES + 1) : Buffer.concat(chunks);
      const out = await dispatch({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      });
      res.writeHead(out.status, out.headers);
      res.end(req.method === 'HEAD' ? undefined : out.body);
    });
  });
}
