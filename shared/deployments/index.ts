export * from './connections';
export * from './deployments-store';
export * from './deployments';
export * from './launcher';
export * from './routes';
export * from './session-actions';
export * from './workflow';
