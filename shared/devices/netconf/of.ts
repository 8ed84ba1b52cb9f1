import { DeviceError, type DeviceTransport } from '../device';
import type { NetconfSession } from './session';

/**
 * A NETCONF session as a device transport: `exec` sends its command as one RPC body and gives the
 * reply back as stdout, so a driver's steps record every request and reply as they were. A refused
 * RPC is exit code 1 with the server's errors in stderr; a lost session throws DeviceError. (This
 * module has no runtime dependency on the client, so drivers stay light to import.)
 */
export interface NetconfTransport extends DeviceTransport {
  readonly netconf: NetconfSession;
}

/** The NETCONF session behind a transport; a DeviceError when the connection is not NETCONF. */
export function netconfOf(t: DeviceTransport): NetconfSession {
  const session = (t as Partial<NetconfTransport>).netconf;
  if (session === undefined)
    throw new DeviceError('this platform is reached over NETCONF: the connection is not');
  return session;
}
