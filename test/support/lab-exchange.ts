import type { Lab } from './lab';
import { syncObjects } from './peeringdb';

/**
 * The lab's LAN as an exchange in the test's own PeeringDB data: exchange `ix` (its LAN `ix`, its
 * prefixes `ix + 1` and `ix + 2`), our router's network `net` and the peer's `net + 1`, with ports
 * `port` and `port + 1`. `extra` adds networks and ports of the test's own (their exchange ids are
 * filled in).
 */
export async function syncLabExchange(
  lab: Lab,
  ids: { ix: number; net: number; port: number; name: string },
  extra: { net?: Record<string, unknown>[]; netixlan?: Record<string, unknown>[] } = {},
): Promise<void> {
  const { ix, net, port } = ids;
  await syncObjects({
    ix: [{ id: ix, name: ids.name }],
    ixlan: [{ id: ix, ix_id: ix }],
    ixpfx: [
      { id: ix + 1, ixlan_id: ix, protocol: 'IPv4', prefix: '192.0.2.0/24' },
      { id: ix + 2, ixlan_id: ix, protocol: 'IPv6', prefix: '2001:db8::/64' },
    ],
    net: [
      { id: net, asn: lab.router.asn, name: 'Lab Operator' },
      { id: net + 1, asn: lab.peer.asn, name: 'Lab Peer' },
      ...(extra.net ?? []),
    ],
    netixlan: [
      {
        id: port,
        net_id: net,
        asn: lab.router.asn,
        ipaddr4: lab.router.lan.ipv4,
        ipaddr6: lab.router.lan.ipv6,
      },
      {
        id: port + 1,
        net_id: net + 1,
        asn: lab.peer.asn,
        ipaddr4: lab.peer.lan.ipv4,
        ipaddr6: lab.peer.lan.ipv6,
      },
      ...(extra.netixlan ?? []),
    ].map((p) => ({ ...p, ix_id: ix, ixlan_id: ix })),
  });
}

/** The body of `PUT /routers/{id}/connection` for the lab's router, with `over` laid on top. */
export function labConnection(lab: Lab, over: Record<string, unknown> = {}) {
  return {
    transport: 'ssh' as const,
    host: lab.router.ssh!.host,
    port: lab.router.ssh!.port,
    username: lab.router.ssh!.username,
    private_key: lab.router.ssh!.privateKey,
    host_key_sha256: lab.router.ssh!.hostKeySha256,
    options: {
      managed_path: lab.router.daemon.deviceOptions.managedPath,
      main_config_path: lab.router.daemon.deviceOptions.mainConfigPath,
      base_path: lab.router.daemon.deviceOptions.basePath,
      control_socket: lab.router.daemon.deviceOptions.controlSocket,
      sudo: false,
    },
    ...over,
  };
}
