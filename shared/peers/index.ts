export * from './migrations';
export * from './peer-state-store';
export * from './peers';
export { qualify, type Qualification } from './qualify';
export * from './routes';
export * from './sync-hooks';
