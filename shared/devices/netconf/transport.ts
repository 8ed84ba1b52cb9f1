import { DeviceError, type DeviceTransport, type ExecResult } from '../device';
import { NetconfRpcError, type NetconfSession } from './session';
import { openNetconf, type NetconfTarget } from './ssh';

/**
 * A NETCONF session as a device transport: `exec` sends its command as one RPC body and gives the
 * reply back as stdout, so a driver's steps record every request and reply as they were. A refused
 * RPC is exit code 1 with the server's errors in stderr; a lost session throws DeviceError.
 */
export interface NetconfTransport extends DeviceTransport {
  readonly netconf: NetconfSession;
}

export function netconfTransport(session: NetconfSession): NetconfTransport {
  return {
    netconf: session,
    async exec(command, options = {}): Promise<ExecResult> {
      try {
        const reply = await session.rpc(command, options.timeoutMs);
        return { command, exitCode: 0, stdout: reply.xml, stderr: '' };
      } catch (err) {
        if (err instanceof NetconfRpcError) {
          return { command, exitCode: 1, stdout: err.replyXml, stderr: err.message };
        }
        throw err;
      }
    },
    close: () => session.close(),
  };
}

export async function openNetconfTransport(target: NetconfTarget): Promise<NetconfTransport> {
  return netconfTransport(await openNetconf(target));
}

/** The NETCONF session behind a transport; a DeviceError when the connection is not NETCONF. */
export function netconfOf(t: DeviceTransport): NetconfSession {
  const session = (t as Partial<NetconfTransport>).netconf;
  if (session === undefined)
    throw new DeviceError('this platform is reached over NETCONF: the connection is not');
  return session;
}
