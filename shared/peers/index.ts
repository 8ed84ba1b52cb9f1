export * from './migrations';
export * from './peer-state-store';
export * from './peers';
export * from './routes';
export * from './sync-hooks';
