export * from './ip-address';
export * from './ip';
