export * from './address-owner';
export * from './exchanges';
export * from './exchanges-routes';
export * from './networks';
export * from './networks-routes';
export * from './own-presence';
export * from './presence-store';
