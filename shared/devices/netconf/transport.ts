import type { ExecResult } from '../device';
import type { NetconfTransport } from './of';
import { NetconfRpcError, type NetconfSession } from './session';
import { openNetconf, type NetconfTarget } from './ssh';

export { type NetconfTransport, netconfOf } from './of';

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
