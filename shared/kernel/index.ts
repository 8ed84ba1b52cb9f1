export * from './ip-address';
export * from './vocabulary';
