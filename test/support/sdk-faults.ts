import { createServer, type Server, type Socket } from 'node:net';

/**
 * Faults injected where the product meets AWS: a middleware added to the process's own DynamoDB or
 * SES client, so everything above it (stores, use-cases, the error mapping) runs unchanged.
 */
type Handler = (args: { input: unknown; request?: unknown }) => Promise<unknown>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;

/** What this needs of any client's middleware stack: DynamoDB's, the document client's, SES's. */
interface AnyStack {
  add(middleware: Middleware, options: { step: string; name: string; priority: string }): void;
  remove(name: string): boolean;
}

export interface SentCommand {
  commandName: string;
  input: Record<string, unknown>;
}

/** An error shaped as the SDK throws it: its name, its HTTP status, and for a transaction the reasons. */
export function awsError(
  name: string,
  extra: { status?: number; reasons?: string[]; throttling?: boolean } = {},
): Error {
  const err = new Error(`${name} (injected)`) as Error & Record<string, unknown>;
  err.name = name;
  err.$fault = (extra.status ?? 400) >= 500 ? 'server' : 'client';
  err.$metadata = { httpStatusCode: extra.status ?? 400, attempts: 1 };
  if (extra.throttling) err.$retryable = { throttling: true };
  if (extra.reasons) err.CancellationReasons = extra.reasons.map((Code) => ({ Code }));
  return err;
}

let counter = 0;

/**
 * Makes the calls `when` selects fail with `fault()` before they reach the engine (after the SDK's
 * own retries, as the caller would see it once they were spent). Returns what removes it.
 */
export function failCalls(
  client: { middlewareStack: unknown },
  when: (call: SentCommand) => boolean,
  fault: () => Error,
): () => void {
  const name = `injected-fault-${++counter}`;
  (client.middlewareStack as AnyStack).add(
    (next, context) => async (args) => {
      const call = {
        commandName: String(context.commandName ?? ''),
        input: args.input as Record<string, unknown>,
      };
      if (when(call)) throw fault();
      return next(args);
    },
    { step: 'initialize', name, priority: 'high' },
  );
  return () => {
    (client.middlewareStack as AnyStack).remove(name);
  };
}

/** A TCP server that takes connections and never answers: what a hung endpoint looks like. */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Sends the calls `when` selects to `port` on this machine instead (a silent server): the SDK's
 * request timeout ends each attempt, its retries try again, and the last timeout reaches the caller.
 */
export function hangCalls(
  client: { middlewareStack: unknown },
  when: (call: SentCommand) => boolean,
  port: number,
): () => void {
  const name = `injected-hang-${++counter}`;
  (client.middlewareStack as AnyStack).add(
    (next, context) => async (args) => {
      const call = {
        commandName: String(context.commandName ?? ''),
        input: args.input as Record<string, unknown>,
      };
      const request = args.request as { hostname?: string; port?: number; protocol?: string } | undefined;
      if (request && when(call)) {
        request.hostname = '127.0.0.1';
        request.port = port;
        request.protocol = 'http:';
      }
      return next(args);
    },
    { step: 'finalizeRequest', name, priority: 'low' },
  );
  return () => {
    (client.middlewareStack as AnyStack).remove(name);
  };
}
