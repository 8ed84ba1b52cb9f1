/**
 * The router lab: real BGP daemons in Linux network namespaces, for tests of configuration delivery.
 *
 * Topology of one lab (`createLab({ router })`, needs root; `labAvailable()` says whether it can run):
 *
 *   test process (root namespace) --- mgmt link 198.51.100.<8n+1>/29 <-> <8n+2>/29 --- router host
 *   router host  --- exchange LAN 192.0.2.1/24, 2001:db8::1/64 <-> .2, ::2 --- peer host
 *
 * - Namespaces `pflab-<id>-router` and `pflab-<id>-peer`; the only thing in the root namespace is the
 *   management link's end `pfm-<id>`. The /29 slot `n` is taken atomically (parallel workers never
 *   share one); `router.mgmt.unused` is an address of the slot nobody answers on.
 * - The router host runs sshd on its management address (root by key only, a host key and a client
 *   key made per lab: `router.ssh`, what `openSshTransport` takes) and the router's daemon
 *   (`router.daemon`), started with peerflow's render of the router with no session as its managed
 *   part. Commands over SSH run in the router's namespace and see the same paths as the test.
 * - The peer host runs another daemon (gobgp for a bird2 router, bird2 otherwise) with two sessions
 *   to the router (IPv4 and IPv6 over the LAN, TCP-MD5 with `peer.password`), announcing
 *   `peer.prefixes`; it retries every two seconds, so a router that learns of it comes up quickly.
 *
 * Config layout per router daemon (`router.daemon`: paths, `cliCommand`, `reloadCommand`):
 * - bird2:    bird.conf (lab: device protocol, filters of external groups) includes managed.conf.
 *             Reload `birdc -s <dir>/bird.ctl configure`.
 * - openbgpd: bgpd.conf (lab: sockets, the rules of external groups) includes managed.conf.
 *             Reload `bgpctl -s <dir>/bgpd.sock reload`.
 * - frr:      frr.conf = base.conf (lab: route-maps of external groups) + managed.conf
 *             (the `router bgp` block), joined with `cat`; reload rebuilds it and runs frr-reload.py.
 *             CLI `vtysh --vty_socket <dir>`.
 * - gobgp:    gobgpd.toml = base.toml (lab: policy definitions of external groups) +
 *             managed.toml (peerflow's whole GoBGP config), joined with `cat`; reload rebuilds it and
 *             sends SIGHUP (pid in gobgpd.pid). CLI `gobgp -u 127.0.0.1 -p 50051`.
 * peerflow writes every group's policies: the lab supplies none, except for the groups named in
 * `externalGroups` (policy `external`), whose policies it defines accepting everything. Router AS
 * 64500, router id 192.0.2.1; peer AS `LAB_PEER_ASN`, announcing `LAB_PEER_PREFIXES` (both pass
 * peerflow's import policy; documentation numbers and prefixes would not).
 *
 * Cleanup: `lab.destroy()` (idempotent) stops every process in the namespaces, deletes them, the
 * link, the slot and the scratch folder. Each lab is recorded (creating pid and start time) under
 * `<tmpdir>/pflab-state` before anything is made, and every `createLab` first sweeps the labs of dead
 * processes (`sweepStaleLabs`).
 */
export { labAvailable, labSkipReason } from './availability';
export {
  LAB_DAEMONS,
  type LabDaemon,
  type LabDaemonName,
  type LabGrpcApi,
  type LabSessionState,
  shellLine,
  shellQuote,
} from './daemon';
export {
  createLab,
  isLabNamespace,
  type Lab,
  type LabOptions,
  type LabPeer,
  type LabPeerDaemonName,
  type LabRouter,
  LAB_PEER_ASN,
  LAB_PEER_PREFIXES,
} from './lab';
export { fingerprintOfPublicKeyLine, type LabSsh } from './sshd';
export { LAB_PREFIX, listNamespaces, namespacePids, sweepStaleLabs } from './state';
export { type CommandResult, run } from './system';
