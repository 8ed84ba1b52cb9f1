/**
 * NETCONF message framing over SSH (RFC 6242). Until both hellos are exchanged, and for good when
 * either side lacks base:1.1, every message ends with `]]>]]>`; after that, messages are sent in
 * chunks (`\n#<length>\n<bytes>`, lengths in bytes) and end with `\n##\n`.
 */

export type Framing = 'eom' | 'chunked';

export const END_OF_MESSAGE = ']]>]]>';
/** RFC 6242 section 4.2: a chunk is at most 4294967295 bytes; a device would never send that much. */
const MAX_CHUNK = 4_294_967_295;

export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

/** One message in the framing given, as bytes to write. */
export function encodeMessage(message: string, framing: Framing): Buffer {
  const body = Buffer.from(message, 'utf8');
  if (framing === 'eom') return Buffer.concat([body, Buffer.from(END_OF_MESSAGE, 'utf8')]);
  if (body.length === 0) throw new FramingError('a chunked message cannot be empty');
  return Buffer.concat([Buffer.from(`\n#${body.length}\n`, 'utf8'), body, Buffer.from('\n##\n', 'utf8')]);
}

/**
 * Splits the bytes a peer sends into messages. Bytes may arrive cut anywhere (within a marker, a
 * chunk header or a multi-byte character); a message is decoded once whole.
 */
export class MessageDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Chunks of the message being read (chunked framing). */
  private chunks: Buffer[] = [];

  constructor(private framing: Framing = 'eom') {}

  /** Switches framing, for the bytes after the hello. */
  use(framing: Framing): void {
    this.framing = framing;
  }

  /** Takes more bytes; returns the messages they complete, in order. Throws FramingError on bad framing. */
  push(data: Buffer): string[] {
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    const out: string[] = [];
    for (;;) {
      const message = this.framing === 'eom' ? this.nextEom() : this.nextChunked();
      if (message === null) return out;
      out.push(message);
    }
  }

  private nextEom(): string | null {
    const end = this.buffer.indexOf(END_OF_MESSAGE, 0, 'utf8');
    if (end < 0) return null;
    const message = this.buffer.subarray(0, end).toString('utf8');
    this.buffer = this.buffer.subarray(end + END_OF_MESSAGE.length);
    return message;
  }

  private nextChunked(): string | null {
    for (;;) {
      // Between chunks: `\n#<digits>\n` or the end of the message `\n##\n`.
      if (this.buffer.length < 4) return null;
      if (this.buffer[0] !== 0x0a || this.buffer[1] !== 0x23) {
        throw new FramingError(
          `expected a chunk header, got ${JSON.stringify(this.buffer.subarray(0, 16).toString('utf8'))}`,
        );
      }
      if (this.buffer[2] === 0x23) {
        if (this.buffer[3] !== 0x0a) throw new FramingError('bad end-of-chunks marker');
        this.buffer = this.buffer.subarray(4);
        if (this.chunks.length === 0) throw new FramingError('a message with no chunk');
        const message = Buffer.concat(this.chunks).toString('utf8');
        this.chunks = [];
        return message;
      }
      const newline = this.buffer.indexOf(0x0a, 2);
      if (newline < 0) {
        if (this.buffer.length > 13) throw new FramingError('a chunk size longer than 10 digits');
        return null;
      }
      const digits = this.buffer.subarray(2, newline).toString('latin1');
      if (!/^[1-9][0-9]{0,9}$/.test(digits) || Number(digits) > MAX_CHUNK) {
        throw new FramingError(`bad chunk size ${JSON.stringify(digits)}`);
      }
      const size = Number(digits);
      if (this.buffer.length < newline + 1 + size) return null;
      this.chunks.push(this.buffer.subarray(newline + 1, newline + 1 + size));
      this.buffer = this.buffer.subarray(newline + 1 + size);
    }
  }
}
