import { connect, type Socket } from 'node:net';

/**
 * A client of the IRRd query protocol (the `!` commands bgpq4 speaks, on whois port 43):
 * `!!` keeps the connection open for many queries, which are pipelined (all written at once, the
 * answers read in order). Each answer is one of:
 *   `A<n>\n` + n bytes of data + `C\n`   data
 *   `C\n`                                  done, no data
 *   `D\n`                                  no such key
 *   `E\n`                                  several objects with that key
 *   `F <message>\n`                        error
 */
export type IrrAnswer =
  | { kind: 'data'; text: string }
  | { kind: 'empty' }
  | { kind: 'not-found' }
  | { kind: 'error'; message: string };

export interface IrrClientOptions {
  host: string;
  port: number;
  /** How long the connection may stay silent while an answer is awaited. */
  timeoutMs: number;
  /** The most one answer's data may hold; a longer one fails the connection. */
  maxAnswerBytes: number;
}

export class IrrProtocolError extends Error {}

interface Waiter {
  resolve: (a: IrrAnswer) => void;
  reject: (e: Error) => void;
}

const MAX_STATUS_LINE = 1024;

/** One connection in persistent mode. */
export class IrrConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private expecting: number | null = null;
  private readonly waiting: Waiter[] = [];
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly options: IrrClientOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('error', (err) =>
      this.fail(new IrrProtocolError(`IRR server connection failed: ${err.message}`)),
    );
    socket.on('close', () => this.fail(new IrrProtocolError('IRR server closed the connection')));
    socket.setTimeout(options.timeoutMs, () => {
      if (this.waiting.length > 0)
        this.fail(new IrrProtocolError(`IRR server sent nothing for ${options.timeoutMs} ms`));
    });
  }

  static open(options: IrrClientOptions): Promise<IrrConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new IrrProtocolError(
            `IRR server ${options.host}:${options.port} did not answer within ${options.timeoutMs} ms`,
          ),
        );
      }, options.timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(
          new IrrProtocolError(`IRR server ${options.host}:${options.port} unreachable: ${err.message}`),
        );
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        // Persistent mode: no answer comes to `!!`.
        socket.write('!!\n');
        resolve(new IrrConnection(socket, options));
      });
    });
  }

  /** Sends the queries at once and gives their answers in the same order. */
  query(lines: readonly string[]): Promise<IrrAnswer[]> {
    if (this.failure) return Promise.reject(this.failure);
    for (const line of lines) {
      // A query is one line of printable ASCII; the callers build them from checked names.
      if (!/^![\x21-\x7e]{1,300}$/.test(line))
        throw new IrrProtocolError('refused to send a malformed query');
    }
    const answers = lines.map(
      () => new Promise<IrrAnswer>((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    this.socket.write(lines.map((l) => `${l}\n`).join(''));
    return Promise.all(answers);
  }

  /** Says goodbye (`!q`) and closes. */
  close(): void {
    if (!this.failure) this.failure = new IrrProtocolError('connection closed');
    this.socket.end('!q\n');
    this.socket.destroySoon();
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
    this.socket.destroy();
  }

  private received(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      while (this.parseOne()) {
        /* each pass takes one answer off the buffer */
      }
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** Takes one complete answer off the buffer, if there is one. */
  private parseOne(): boolean {
    if (this.waiting.length === 0) {
      if (this.buffer.length > 0)
        throw new IrrProtocolError('IRR server answered a query that was not asked');
      return false;
    }
    if (this.expecting !== null) {
      // Data of n bytes, then the `C` line.
      if (this.buffer.length < this.expecting) return false;
      const end = this.buffer.indexOf(0x0a, this.expecting);
      if (end < 0) {
        if (this.buffer.length - this.expecting > MAX_STATUS_LINE)
          throw new IrrProtocolError('IRR answer not ended');
        return false;
      }
      const status = this.buffer.subarray(this.expecting, end).toString('latin1').trim();
      if (status !== 'C' && !status.startsWith('C ')) {
        throw new IrrProtocolError(`IRR answer ended with ${JSON.stringify(status.slice(0, 80))}, not C`);
      }
      const text = this.buffer.subarray(0, this.expecting).toString('latin1');
      this.buffer = this.buffer.subarray(end + 1);
      this.expecting = null;
      this.waiting.shift()!.resolve({ kind: 'data', text });
      return true;
    }
    const nl = this.buffer.indexOf(0x0a);
    if (nl < 0) {
      if (this.buffer.length > MAX_STATUS_LINE) throw new IrrProtocolError('IRR server sent a line too long');
      return false;
    }
    const line = this.buffer.subarray(0, nl).toString('latin1').replace(/\r$/, '');
    this.buffer = this.buffer.subarray(nl + 1);
    const code = line[0];
    if (code === 'A') {
      if (!/^A\d{1,12}$/.test(line))
        throw new IrrProtocolError(`IRR server sent a bad length line ${JSON.stringify(line.slice(0, 80))}`);
      const length = Number(line.slice(1));
      if (length > this.options.maxAnswerBytes) {
        throw new IrrProtocolError(
          `an IRR answer of ${length} bytes is over the limit of ${this.options.maxAnswerBytes}`,
        );
      }
      this.expecting = length;
      return true;
    }
    const waiter = this.waiting.shift()!;
    if (code === 'C') waiter.resolve({ kind: 'empty' });
    else if (code === 'D') waiter.resolve({ kind: 'not-found' });
    else if (code === 'E') waiter.resolve({ kind: 'empty' });
    else if (code === 'F') waiter.resolve({ kind: 'error', message: line.slice(1).trim().slice(0, 200) });
    else throw new IrrProtocolError(`IRR server sent an unknown answer ${JSON.stringify(line.slice(0, 80))}`);
    return true;
  }
}
