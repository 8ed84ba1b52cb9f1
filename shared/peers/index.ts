export * from './migrations';
export * from './peer-state-store';
export {
  buildExchangeRows,
  buildPeerRows,
  peerRowsOutdated,
  type PeerRowsReport,
  refreshPeerRows,
  refreshPeersOfSessions,
  rulesDigest,
} from './peer-rows';
export { peerRowsRepository } from './peer-rows-store';
export * from './peers';
export { qualify, type Qualification } from './qualify';
export * from './routes';
export * from './sync-hooks';
