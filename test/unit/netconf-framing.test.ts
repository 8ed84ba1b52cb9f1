import { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { encodeMessage, FramingError, MessageDecoder } from '../../shared/devices/netconf/framing';
import { ops } from '../../shared/devices/netconf';
import { describeRpcError, NetconfSession, rpcErrorsOf } from '../../shared/devices/netconf/session';
import { parseXml } from '../../shared/devices/netconf/xml';

/** Feeds `bytes` to a decoder cut at every `step` bytes; returns the messages. */
function decodeCut(bytes: Buffer, framing: 'eom' | 'chunked', step: number): string[] {
  const d = new MessageDecoder(framing);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(...d.push(bytes.subarray(i, i + step)));
  return out;
}

describe('NETCONF framing (RFC 6242)', () => {
  const messages = ['<rpc-reply message-id="1"><ok/></rpc-reply>', '<x>é ü 日本 #12 \n## ]]></x>'];

  it.each(['eom', 'chunked'] as const)(
    'decodes %s messages cut anywhere, multi-byte characters included',
    (framing) => {
      const bytes = Buffer.concat(messages.map((m) => encodeMessage(m, framing)));
      for (const step of [1, 2, 3, 7, bytes.length])
        expect(decodeCut(bytes, framing, step)).toEqual(messages);
    },
  );

  it('reads a message sent in several chunks, sizes counted in bytes', () => {
    const body = Buffer.from('<a>日本</a>', 'utf8');
    const wire = Buffer.concat([
      Buffer.from(`\n#4\n`),
      body.subarray(0, 4),
      Buffer.from(`\n#${body.length - 4}\n`),
      body.subarray(4),
      Buffer.from('\n##\n'),
    ]);
    expect(new MessageDecoder('chunked').push(wire)).toEqual(['<a>日本</a>']);
  });

  it('refuses a broken chunk header rather than guessing', () => {
    expect(() => new MessageDecoder('chunked').push(Buffer.from('\n#x1\nabc'))).toThrow(FramingError);
    expect(() => new MessageDecoder('chunked').push(Buffer.from('<rpc-reply/>'))).toThrow(FramingError);
    expect(() => new MessageDecoder('chunked').push(Buffer.from('\n#01\na\n##\n'))).toThrow(FramingError);
  });

  it('escapes what goes into a message', () => {
    expect(ops.commit({ confirmed: true, timeoutSeconds: 90.2, persist: 'a<b&"c' })).toBe(
      '<commit><confirmed/><confirm-timeout>91</confirm-timeout><persist>a&lt;b&amp;&quot;c</persist></commit>',
    );
    expect(ops.getConfig('running', { xpath: "/a[b='<x>']" })).toBe(
      '<get-config><source><running/></source><filter type="xpath" select="/a[b=&apos;&lt;x&gt;&apos;]"/></get-config>',
    );
  });

  it('reads every rpc-error with its tag, message, path and info, whatever the prefix', () => {
    const reply = parseXml(
      '<nc:rpc-reply xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="3"><nc:rpc-error>' +
        '<nc:error-type>protocol</nc:error-type><nc:error-tag>lock-denied</nc:error-tag>' +
        '<nc:error-severity>error</nc:error-severity><nc:error-message xml:lang="en">lock held</nc:error-message>' +
        '<nc:error-info><nc:session-id>7</nc:session-id></nc:error-info></nc:rpc-error></nc:rpc-reply>',
    )['rpc-reply']?.[0];
    const [e] = rpcErrorsOf(reply as never);
    expect(e).toMatchObject({
      type: 'protocol',
      tag: 'lock-denied',
      severity: 'error',
      message: 'lock held',
    });
    expect(e?.info).toEqual({ 'session-id': '7' });
    expect(describeRpcError(e!)).toBe('lock held (lock-denied)');
  });
});

describe('the NETCONF session after the hellos', () => {
  /** A stream whose written chunks are kept, in order; `serverSays` feeds it bytes from the server. */
  function wire() {
    const written: string[] = [];
    const stream = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, done) {
        written.push(chunk.toString('utf8'));
        done();
      },
    });
    return { stream, written, serverSays: (text: string) => stream.push(Buffer.from(text, 'utf8')) };
  }
  const serverHello =
    '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>' +
    '<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities><session-id>7</session-id></hello>]]>]]>';

  it('sends no RPC until its hello has been out for the gap, even when the server answered at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const { stream, written, serverSays } = wire();
      serverSays(serverHello);
      let open = false;
      const opening = NetconfSession.open(stream, { where: 'test', helloGapMs: 300 }).then((s) => {
        open = true;
        return s;
      });
      await vi.advanceTimersByTimeAsync(299);
      expect(written).toHaveLength(1);
      expect(written[0]).toContain('<hello');
      expect(open).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const session = await opening;
      const reply = session.rpc(ops.get());
      expect(written).toHaveLength(2);
      expect(written[1]).toMatch(/^<\?xml[^>]*\?><rpc [^>]*message-id="1"><get\/?>/);
      serverSays(
        '<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0" message-id="1"><data/></rpc-reply>]]>]]>',
      );
      expect((await reply).xml).toContain('<data/>');
    } finally {
      vi.useRealTimers();
    }
  });
});
