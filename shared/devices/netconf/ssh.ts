import type { Duplex } from 'node:stream';
import { DeviceError } from '../device';
import { connectPinnedSsh, type SshTarget } from '../ssh-transport';
import { NetconfSession, type NetconfSessionOptions } from './session';

export interface NetconfTarget extends SshTarget {
  /** Offer base:1.1 (default true); false keeps the session on base:1.0 end-of-message framing. */
  readonly offerBase11?: boolean;
  /** How long an RPC may take by default (120 s). */
  readonly rpcTimeoutMs?: number;
  /** See NetconfSessionOptions.helloGapMs. */
  readonly helloGapMs?: number;
}

/**
 * A NETCONF session over SSH (RFC 6242): the same pinned-host-key connection as the SSH transport,
 * then the `netconf` subsystem. Closing the session ends the SSH connection too.
 */
export async function openNetconf(target: NetconfTarget): Promise<NetconfSession> {
  const where = `${target.host}:${target.port}`;
  const client = await connectPinnedSsh(target);
  client.on('error', () => undefined);
  try {
    const stream = await new Promise<Duplex>((resolve, reject) => {
      client.subsys('netconf', (err, channel) => {
        if (err)
          reject(new DeviceError(`${where} refused the netconf subsystem: ${err.message.split('\n')[0]}`));
        else resolve(channel as unknown as Duplex);
      });
    });
    stream.on('close', () => client.end());
    const options: NetconfSessionOptions = {
      where,
      ...(target.offerBase11 !== undefined ? { offerBase11: target.offerBase11 } : {}),
      ...(target.rpcTimeoutMs !== undefined ? { rpcTimeoutMs: target.rpcTimeoutMs } : {}),
      ...(target.helloGapMs !== undefined ? { helloGapMs: target.helloGapMs } : {}),
      ...(target.connectTimeoutMs !== undefined ? { helloTimeoutMs: target.connectTimeoutMs } : {}),
    };
    const session = await NetconfSession.open(stream, options);
    const close = session.close.bind(session);
    session.close = async () => {
      await close();
      client.end();
    };
    return session;
  } catch (err) {
    client.end();
    throw err;
  }
}
