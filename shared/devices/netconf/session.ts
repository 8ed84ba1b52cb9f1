import type { Duplex } from 'node:stream';
import { DeviceError } from '../device';
import { encodeMessage, type Framing, FramingError, MessageDecoder } from './framing';
import {
  attribute,
  child,
  childNames,
  children,
  childText,
  escapeXml,
  parseXml,
  text,
  type XmlNode,
  type XmlError,
} from './xml';

/**
 * A NETCONF client session (RFC 6241) on a stream already open to the server (the SSH `netconf`
 * subsystem, RFC 6242): the hello exchange, then one RPC after another, each reply matched to its
 * request by message-id. It only frames, sends, matches and reads errors; what to send is the
 * caller's (see ./operations).
 */

export const BASE_1_0 = 'urn:ietf:params:netconf:base:1.0';
export const BASE_1_1 = 'urn:ietf:params:netconf:base:1.1';
/** The XML namespace of NETCONF's own elements (not the base:1.0 capability's URI). */
export const NETCONF_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const NS = NETCONF_NS;

export interface NetconfSessionOptions {
  /** host:port, for messages. */
  readonly where: string;
  /** Offer base:1.1 (chunked framing) in the hello; default true. With false, the session stays on base:1.0. */
  readonly offerBase11?: boolean;
  /** How long the server may take to send its hello (default 10 s). */
  readonly helloTimeoutMs?: number;
  /** How long an RPC may take when `rpc` is not given a timeout (default 120 s: a commit can be slow). */
  readonly rpcTimeoutMs?: number;
  /**
   * The least time between our hello leaving and the first RPC (default 250 ms). Some servers
   * (yuma123's netconfd) do not answer an RPC that reaches them in the same read as the client's
   * hello until more bytes come, which happens when both are written back to back, or our hello
   * waits in a pipe for a busy server side to start reading.
   */
  readonly helloGapMs?: number;
}

/** One `<rpc-error>` as the server wrote it. */
export interface RpcErrorInfo {
  readonly type: string;
  readonly tag: string;
  readonly severity: string;
  readonly message: string | null;
  readonly path: string | null;
  /** The names and texts of `<error-info>`'s children (`bad-element`, `session-id`...). */
  readonly info: Readonly<Record<string, string>>;
}

/** A reply the server sent to one RPC. */
export interface RpcReply {
  /** The reply as the server sent it. */
  readonly xml: string;
  /** The parsed `<rpc-reply>` element. */
  readonly root: XmlNode;
  /** `<rpc-error>`s of severity warning (an error makes `rpc` throw instead). */
  readonly warnings: readonly RpcErrorInfo[];
}

/** The server answered an RPC with one or more `<rpc-error>` of severity error. */
export class NetconfRpcError extends DeviceError {
  constructor(
    readonly operation: string,
    readonly errors: readonly RpcErrorInfo[],
    readonly replyXml: string,
  ) {
    super(`${operation} refused: ${errors.map(describeRpcError).join('; ')}`);
    this.name = 'NetconfRpcError';
  }
}

/** One line for an rpc-error: its message, tag and where it points. */
export function describeRpcError(e: RpcErrorInfo): string {
  const where = e.path ?? e.info['bad-element'] ?? null;
  const head = e.message ?? e.tag;
  return `${head}${e.message !== null ? ` (${e.tag})` : ''}${where !== null ? ` at ${where}` : ''}`;
}

export function rpcErrorsOf(reply: XmlNode): RpcErrorInfo[] {
  return children(reply, 'rpc-error').map((e) => {
    const info: Record<string, string> = {};
    const infoNode = child(e, 'error-info');
    for (const name of childNames(infoNode)) {
      const t = childText(infoNode, name);
      if (t !== undefined) info[name] = t;
    }
    return {
      type: childText(e, 'error-type') ?? 'unknown',
      tag: childText(e, 'error-tag') ?? 'unknown',
      severity: childText(e, 'error-severity') ?? 'error',
      message: childText(e, 'error-message')?.trim() || null,
      path: childText(e, 'error-path')?.trim() || null,
      info,
    };
  });
}

/** The operation an RPC body names: its first element's local name. */
function operationOf(body: string): string {
  const m = /^\s*<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(body);
  return m?.[1] ?? 'rpc';
}

interface Pending {
  readonly operation: string;
  readonly resolve: (r: RpcReply) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class NetconfSession {
  private readonly decoder = new MessageDecoder('eom');
  private framing: Framing = 'eom';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private closedReason: string | null = null;
  private helloWaiter: ((message: string | Error) => void) | null = null;
  private early: string[] = [];
  private helloSeen = false;
  /** When our hello was handed to the stream (its write callback). */
  private helloSentAt: number | null = null;
  private closing: Promise<void> | null = null;

  /** The capabilities the server announced. */
  capabilities: ReadonlySet<string> = new Set();
  /** The session id the server gave. */
  sessionId: string | null = null;

  private constructor(
    private readonly stream: Duplex,
    private readonly options: NetconfSessionOptions,
  ) {
    stream.on('data', (data: Buffer) => this.receive(data));
    stream.on('error', (err: Error) =>
      this.lost(`the NETCONF stream to ${options.where} failed: ${err.message}`),
    );
    stream.on('close', () => this.lost(`the NETCONF session to ${options.where} closed`));
    stream.on('end', () => this.lost(`the NETCONF session to ${options.where} closed`));
  }

  /** Exchanges hellos on `stream` and returns the session; a DeviceError when the server says no hello. */
  static async open(stream: Duplex, options: NetconfSessionOptions): Promise<NetconfSession> {
    const session = new NetconfSession(stream, options);
    await session.hello();
    await session.afterHello();
    return session;
  }

  /** The framing in use after the hello: chunked when both sides announced base:1.1. */
  get messageFraming(): Framing {
    return this.framing;
  }

  /** Whether the server announced `capability` (compared without its `?parameters`). */
  has(capability: string): boolean {
    for (const c of this.capabilities) if (c.split('?')[0] === capability) return true;
    return false;
  }

  private async hello(): Promise<void> {
    const offered = this.options.offerBase11 === false ? [BASE_1_0] : [BASE_1_0, BASE_1_1];
    const hello =
      `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${NS}"><capabilities>` +
      offered.map((c) => `<capability>${escapeXml(c)}</capability>`).join('') +
      '</capabilities></hello>';
    const timeoutMs = this.options.helloTimeoutMs ?? 10_000;
    const message = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.helloWaiter = null;
        reject(new DeviceError(`no NETCONF hello from ${this.options.where} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.helloWaiter = (m) => {
        clearTimeout(timer);
        this.helloWaiter = null;
        if (m instanceof Error) reject(m);
        else resolve(m);
      };
      const first = this.early.shift();
      if (first !== undefined) this.helloWaiter(first);
      else if (this.closedReason !== null) this.helloWaiter(new DeviceError(this.closedReason));
    });
    // Ours goes out once the server's has come, as ncclient does: the server's side then reads the
    // session (over SSH, the subsystem that relays to the server runs), so our hello is not left
    // waiting in a pipe to be read together with the first RPC.
    this.stream.write(encodeMessage(hello, 'eom'), () => {
      this.helloSentAt = Date.now();
    });
    let root: XmlNode | undefined;
    try {
      root = child(parseXml(message), 'hello');
    } catch (err) {
      throw new DeviceError(
        `the NETCONF hello from ${this.options.where} is not XML: ${(err as Error).message}`,
      );
    }
    if (root === undefined) {
      throw new DeviceError(`${this.options.where} did not start with a NETCONF hello`);
    }
    this.capabilities = new Set(
      children(child(root, 'capabilities'), 'capability').map((c) => (text(c) ?? '').trim()),
    );
    this.sessionId = childText(root, 'session-id') ?? null;
    if (!this.has(BASE_1_0) && !this.has(BASE_1_1)) {
      throw new DeviceError(`${this.options.where} announced neither NETCONF base:1.0 nor base:1.1`);
    }
    if (offered.includes(BASE_1_1) && this.has(BASE_1_1)) {
      this.framing = 'chunked';
      this.decoder.use('chunked');
    }
  }

  /** Waits until our hello has been out for `helloGapMs`, so the first RPC reaches the server apart from it. */
  private async afterHello(): Promise<void> {
    const gap = this.options.helloGapMs ?? 250;
    // Not flushed yet: counted from now.
    const wait = (this.helloSentAt ?? Date.now()) + gap - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }

  private receive(data: Buffer): void {
    let messages: string[];
    try {
      messages = this.decoder.push(data);
    } catch (err) {
      const reason = `the NETCONF messages from ${this.options.where} are broken: ${(err as FramingError).message}`;
      this.lost(reason);
      this.stream.destroy();
      return;
    }
    for (const m of messages) {
      if (!this.helloSeen) {
        // The server's hello can come before ours is written: then `hello` takes it from `early`.
        this.helloSeen = true;
        if (this.helloWaiter !== null) this.helloWaiter(m);
        else this.early.push(m);
        continue;
      }
      this.reply(m);
    }
  }

  private reply(message: string): void {
    let doc: Record<string, XmlNode[]>;
    try {
      doc = parseXml(message);
    } catch (err) {
      this.failAll(`a reply from ${this.options.where} is not XML: ${(err as XmlError).message}`);
      return;
    }
    if (doc.notification) return;
    const root = doc['rpc-reply']?.[0];
    if (root === undefined) return;
    const id = attribute(root, 'message-id');
    const waiting = id === undefined ? undefined : this.pending.get(id);
    if (id === undefined || waiting === undefined) {
      // A reply to nothing we asked (or without an id, which RFC 6241 allows only for a malformed
      // request): the session can no longer be trusted to pair replies.
      if (id === undefined && this.pending.size === 1) {
        const [only] = this.pending.values();
        const [onlyId] = this.pending.keys();
        this.settle(onlyId as string, only as Pending, message, root);
        return;
      }
      this.lost(
        `${this.options.where} sent a reply with message-id ${id ?? '(none)'} that matches no request`,
      );
      this.stream.destroy();
      return;
    }
    this.settle(id, waiting, message, root);
  }

  private settle(id: string, waiting: Pending, xml: string, root: XmlNode): void {
    this.pending.delete(id);
    clearTimeout(waiting.timer);
    const all = rpcErrorsOf(root);
    const errors = all.filter((e) => e.severity !== 'warning');
    if (errors.length > 0) {
      waiting.reject(new NetconfRpcError(waiting.operation, errors, xml));
      return;
    }
    waiting.resolve({ xml, root, warnings: all.filter((e) => e.severity === 'warning') });
  }

  private failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new DeviceError(reason));
    }
  }

  private lost(reason: string): void {
    if (this.closedReason === null) this.closedReason = reason;
    this.helloWaiter?.(new DeviceError(reason));
    this.failAll(this.closedReason);
  }

  /**
   * Sends one RPC (`body` is the operation element, e.g. `<get-config>...</get-config>`) and waits
   * for its reply. An `<rpc-error>` of severity error is a NetconfRpcError; a closed session, a
   * broken reply or no reply in time is a DeviceError.
   */
  rpc(body: string, timeoutMs?: number): Promise<RpcReply> {
    const operation = operationOf(body);
    if (this.closedReason !== null) return Promise.reject(new DeviceError(this.closedReason));
    const id = String(this.nextId++);
    const ms = timeoutMs ?? this.options.rpcTimeoutMs ?? 120_000;
    return new Promise<RpcReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // A late reply would then match nothing: the session is given up rather than misread.
        this.lost(`no reply to ${operation} from ${this.options.where} within ${ms} ms`);
        reject(new DeviceError(`no reply to ${operation} from ${this.options.where} within ${ms} ms`));
        this.stream.destroy();
      }, ms);
      this.pending.set(id, { operation, resolve, reject, timer });
      const message = `<?xml version="1.0" encoding="UTF-8"?><rpc xmlns="${NS}" message-id="${id}">${body}</rpc>`;
      this.stream.write(encodeMessage(message, this.framing));
    });
  }

  /** The `<rpc-reply>` element of a reply's text (what a transport's `exec` gives as stdout). */
  parseReply(xml: string): XmlNode {
    let root: XmlNode | undefined;
    try {
      root = parseXml(xml)['rpc-reply']?.[0];
    } catch (err) {
      throw new DeviceError(`a reply from ${this.options.where} is not XML: ${(err as Error).message}`);
    }
    if (root === undefined) throw new DeviceError(`a reply from ${this.options.where} is not an rpc-reply`);
    return root;
  }

  /** Ends the session with `<close-session>` (the server releases its locks), then the stream. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.closedReason === null) {
        await this.rpc('<close-session/>', 5000).catch(() => undefined);
      }
      this.stream.end();
    })();
    return this.closing;
  }
}
