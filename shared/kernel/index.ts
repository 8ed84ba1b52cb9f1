export * from './ip-address';
export * from './ip-prefix';
export * from './vocabulary';
