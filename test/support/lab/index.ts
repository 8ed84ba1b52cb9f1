/**
 * The router lab: real BGP daemons in Linux network namespaces, for integration tests of
 * configuration delivery. See `createLab` (lab.ts) for the topology, each daemon's file for its
 * config layout, `labAvailable` for when it runs.
 */
export { labAvailable, labSkipReason } from './availability';
export {
  LAB_DAEMONS,
  type LabDaemon,
  type LabDaemonName,
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
} from './lab';
export { fingerprintOfPublicKeyLine, type LabSsh } from './sshd';
export { LAB_PREFIX, listNamespaces, namespacePids, sweepStaleLabs } from './state';
export { type CommandResult, run } from './system';
